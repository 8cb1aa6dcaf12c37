import ActorKeys
internal import CPKCS11

/// PKCS11Template builds a `CK_ATTRIBUTE` array (a search or object template) for the length
/// of one call. The values live in one buffer that is zeroed before it is released, because a
/// template may carry key material (`CKA_VALUE` of the session key that `C_WrapKey` wraps).
enum PKCS11Template {
    enum Value {
        case ulong(CK_ULONG)
        case bool(Bool)
        case text(String)
        /// Secret bytes, valid for the call only (a pointer from `SecretBytes.withUnsafeBytes`).
        case secret(UnsafeRawBufferPointer)

        var count: Int {
            switch self {
            case .ulong: MemoryLayout<CK_ULONG>.size
            case .bool: MemoryLayout<CK_BBOOL>.size
            case .text(let text): text.utf8.count
            case .secret(let bytes): bytes.count
            }
        }

        func copy(to target: UnsafeMutableRawPointer) {
            switch self {
            case .ulong(let value): target.storeBytes(of: value, as: CK_ULONG.self)
            case .bool(let value): target.storeBytes(of: CK_BBOOL(value ? CK_TRUE : CK_FALSE), as: CK_BBOOL.self)
            case .text(let text):
                let utf8 = Array(text.utf8)
                utf8.withUnsafeBytes { target.copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
            case .secret(let bytes):
                if let base = bytes.baseAddress { target.copyMemory(from: base, byteCount: bytes.count) }
            }
        }
    }

    /// Calls `body` with the template and its length; nothing in it outlives the call.
    static func with<Result>(
        _ attributes: [(CK_ATTRIBUTE_TYPE, Value)],
        _ body: (UnsafeMutablePointer<CK_ATTRIBUTE>, CK_ULONG) throws(RootKeyError) -> Result
    ) throws(RootKeyError) -> Result {
        let alignment = MemoryLayout<CK_ULONG>.alignment
        let padded = attributes.map { ($0.1.count + alignment - 1) / alignment * alignment }
        let storage = UnsafeMutableRawBufferPointer.allocate(byteCount: max(padded.reduce(0, +), 1), alignment: 16)
        let template = UnsafeMutablePointer<CK_ATTRIBUTE>.allocate(capacity: max(attributes.count, 1))
        defer {
            SecretBytes.zero(storage)
            storage.deallocate()
            template.deallocate()
        }
        var offset = 0
        for (index, (type, value)) in attributes.enumerated() {
            let target = storage.baseAddress! + offset
            value.copy(to: target)
            (template + index).initialize(
                to: CK_ATTRIBUTE(type: type, pValue: target, ulValueLen: CK_ULONG(value.count)))
            offset += padded[index]
        }
        return try body(template, CK_ULONG(attributes.count))
    }

    /// The attributes of a session key that exists only for one wrap or unwrap: not on the
    /// token, extractable (so `C_WrapKey` may wrap it and its value may be read back), not
    /// sensitive, and usable for nothing else.
    static func sessionSecret(value: UnsafeRawBufferPointer?) -> [(CK_ATTRIBUTE_TYPE, Value)] {
        var attributes: [(CK_ATTRIBUTE_TYPE, Value)] = [
            (CK_ATTRIBUTE_TYPE(CKA_CLASS), .ulong(CK_ULONG(CKO_SECRET_KEY))),
            (CK_ATTRIBUTE_TYPE(CKA_KEY_TYPE), .ulong(CK_ULONG(CKK_GENERIC_SECRET))),
            (CK_ATTRIBUTE_TYPE(CKA_TOKEN), .bool(false)),
            (CK_ATTRIBUTE_TYPE(CKA_PRIVATE), .bool(true)),
            (CK_ATTRIBUTE_TYPE(CKA_EXTRACTABLE), .bool(true)),
            (CK_ATTRIBUTE_TYPE(CKA_SENSITIVE), .bool(false)),
        ]
        if let value { attributes.append((CK_ATTRIBUTE_TYPE(CKA_VALUE), .secret(value))) }
        return attributes
    }
}
