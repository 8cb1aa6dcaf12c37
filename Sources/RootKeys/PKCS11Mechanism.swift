internal import CPKCS11

/// PKCS11Mechanism is one of the two ways actorkeys wraps with an HSM key: AES key wrap with
/// padding (RFC 5649, `CKM_AES_KEY_WRAP_PAD`) by an AES key, or RSA-OAEP by an RSA key pair
/// with SHA-1 and MGF1-SHA-1 and no label. That is the OAEP every module offers; SoftHSM2
/// refuses SHA-256 and a label (`CKR_ARGUMENTS_BAD`), so the context is bound in the payload.
enum PKCS11Mechanism {
    case aesKeyWrapPad
    case rsaOAEP

    var type: CK_MECHANISM_TYPE {
        switch self {
        case .aesKeyWrapPad: CK_MECHANISM_TYPE(CKM_AES_KEY_WRAP_PAD)
        case .rsaOAEP: CK_MECHANISM_TYPE(CKM_RSA_PKCS_OAEP)
        }
    }

    var name: String {
        switch self {
        case .aesKeyWrapPad: "CKM_AES_KEY_WRAP_PAD"
        case .rsaOAEP: "CKM_RSA_PKCS_OAEP"
        }
    }

    /// Calls `body` with the mechanism and its parameters, valid for the call only.
    func with<Result>(
        _ body: (UnsafeMutablePointer<CK_MECHANISM>) throws(RootKeyError) -> Result
    ) throws(RootKeyError) -> Result {
        switch self {
        case .aesKeyWrapPad:
            // No parameter: the default RFC 5649 integrity check value.
            var mechanism = CK_MECHANISM(mechanism: type, pParameter: nil, ulParameterLen: 0)
            return try body(&mechanism)
        case .rsaOAEP:
            var parameters = CK_RSA_PKCS_OAEP_PARAMS(
                hashAlg: CK_MECHANISM_TYPE(CKM_SHA_1), mgf: CK_RSA_PKCS_MGF_TYPE(CKG_MGF1_SHA1),
                source: CK_RSA_PKCS_OAEP_SOURCE_TYPE(CKZ_DATA_SPECIFIED), pSourceData: nil, ulSourceDataLen: 0)
            return try withUnsafeMutablePointer(to: &parameters) { (pointer) throws(RootKeyError) -> Result in
                var mechanism = CK_MECHANISM(
                    mechanism: type, pParameter: UnsafeMutableRawPointer(pointer),
                    ulParameterLen: CK_ULONG(MemoryLayout<CK_RSA_PKCS_OAEP_PARAMS>.size))
                return try body(&mechanism)
            }
        }
    }
}
