import ActorKeys
internal import CPKCS11

/// PKCS11RootKey is the root key as found on the token, in one session: an AES secret key
/// (wrapping with `CKM_AES_KEY_WRAP_PAD`), or an RSA private key and its public key of the same
/// label (`CKM_RSA_PKCS_OAEP`), with its `CKA_ID`.
struct PKCS11RootKey {
    enum Kind {
        case aes(CK_OBJECT_HANDLE)
        case rsa(privateKey: CK_OBJECT_HANDLE, publicKey: CK_OBJECT_HANDLE)
    }

    let kind: Kind
    /// `CKA_ID` of the secret key, or of the private key; may be empty.
    let id: [UInt8]

    /// The key version actorkeys records: the hex of `CKA_ID`, or "1" for a key without one.
    var version: String { id.isEmpty ? "1" : Hex.encode(id) }

    /// The RFC 7512 `type` of the key found.
    var type: String {
        switch kind {
        case .aes: "secret-key"
        case .rsa: "private"
        }
    }

    /// Finds the key labelled `label`: a secret key for `type=secret-key`, a private key for
    /// `type=private`, and without a type a secret key first, then a private key.
    static func find(
        in session: PKCS11Session, label: String, type: String?, token: String
    ) throws(RootKeyError) -> PKCS11RootKey {
        if type != "private", let key = try session.findObject(class: CK_OBJECT_CLASS(CKO_SECRET_KEY), label: label) {
            guard try session.ulong(CK_ATTRIBUTE_TYPE(CKA_KEY_TYPE), of: key) == CK_KEY_TYPE(CKK_AES) else {
                throw RootKeyError(
                    .unsupportedKey, "the secret key \"\(label)\" is not an AES key: a root key is AES or RSA")
            }
            return PKCS11RootKey(kind: .aes(key), id: try session.bytes(CK_ATTRIBUTE_TYPE(CKA_ID), of: key))
        }
        if type != "secret-key",
            let privateKey = try session.findObject(class: CK_OBJECT_CLASS(CKO_PRIVATE_KEY), label: label)
        {
            guard try session.ulong(CK_ATTRIBUTE_TYPE(CKA_KEY_TYPE), of: privateKey) == CK_KEY_TYPE(CKK_RSA) else {
                throw RootKeyError(
                    .unsupportedKey, "the private key \"\(label)\" is not an RSA key: a root key is AES or RSA")
            }
            guard let publicKey = try session.findObject(class: CK_OBJECT_CLASS(CKO_PUBLIC_KEY), label: label) else {
                throw RootKeyError(
                    .keyNotFound, "the RSA key \"\(label)\" has no public key labelled \"\(label)\" on token \(token)")
            }
            let id = try session.bytes(CK_ATTRIBUTE_TYPE(CKA_ID), of: privateKey)
            return PKCS11RootKey(kind: .rsa(privateKey: privateKey, publicKey: publicKey), id: id)
        }
        let what =
            switch type {
            case "secret-key": "secret key"
            case "private": "private key"
            default: "secret or private key"
            }
        throw RootKeyError(.keyNotFound, "no \(what) labelled \"\(label)\" on token \(token)")
    }

    /// Checks that the token offers the mechanism and that the key may wrap and unwrap with it,
    /// so `describe` (and `root test`) says so before anything is wrapped.
    func checkUsable(in session: PKCS11Session, label: String) throws(RootKeyError) {
        switch kind {
        case .aes(let key):
            guard try session.supports(.aesKeyWrapPad, CK_FLAGS(CKF_WRAP | CKF_UNWRAP)) else {
                throw RootKeyError(.unsupportedKey, "the token cannot wrap with CKM_AES_KEY_WRAP_PAD (RFC 5649)")
            }
            guard try session.bool(CK_ATTRIBUTE_TYPE(CKA_WRAP), of: key),
                try session.bool(CK_ATTRIBUTE_TYPE(CKA_UNWRAP), of: key)
            else {
                throw RootKeyError(
                    .unsupportedKey, "the key \"\(label)\" may not wrap and unwrap (CKA_WRAP, CKA_UNWRAP)")
            }
        case .rsa(let privateKey, let publicKey):
            guard try session.supports(.rsaOAEP, CK_FLAGS(CKF_ENCRYPT | CKF_DECRYPT)) else {
                throw RootKeyError(.unsupportedKey, "the token cannot encrypt with CKM_RSA_PKCS_OAEP")
            }
            guard try session.bool(CK_ATTRIBUTE_TYPE(CKA_ENCRYPT), of: publicKey),
                try session.bool(CK_ATTRIBUTE_TYPE(CKA_DECRYPT), of: privateKey)
            else {
                throw RootKeyError(
                    .unsupportedKey, "the RSA key \"\(label)\" may not encrypt and decrypt (CKA_ENCRYPT, CKA_DECRYPT)")
            }
        }
    }

    /// Wraps `payload`. AES: `C_WrapKey` wraps a key object, so the payload becomes a session
    /// secret key for the call (never on the token, destroyed after). `C_Encrypt` with
    /// `CKM_AES_KEY_WRAP_PAD` is not offered by SoftHSM2 nor required by the standard; the
    /// wrapped bytes are RFC 5649's either way.
    func wrap(_ payload: SecretBytes, in session: PKCS11Session) throws(RootKeyError) -> [UInt8] {
        switch kind {
        case .aes(let key):
            try session.withSessionSecret(payload) { (object) throws(RootKeyError) -> [UInt8] in
                try session.wrapKey(object, with: key, .aesKeyWrapPad)
            }
        case .rsa(_, let publicKey):
            try session.encrypt(payload, with: publicKey, .rsaOAEP)
        }
    }

    /// Unwraps what `wrap` made.
    func unwrap(_ ciphertext: [UInt8], in session: PKCS11Session) throws(RootKeyError) -> SecretBytes {
        switch kind {
        case .aes(let key): try session.unwrapKey(ciphertext, with: key, .aesKeyWrapPad)
        case .rsa(let privateKey, _): try session.decrypt(ciphertext, with: privateKey, .rsaOAEP)
        }
    }
}
