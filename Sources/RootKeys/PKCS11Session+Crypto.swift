import ActorKeys
internal import CPKCS11

extension PKCS11Session {
    /// Whether the token offers the mechanism for these uses (`CKF_WRAP`, `CKF_ENCRYPT`…).
    func supports(_ mechanism: PKCS11Mechanism, _ uses: CK_FLAGS) throws(RootKeyError) -> Bool {
        var info = CK_MECHANISM_INFO()
        let value = functions.C_GetMechanismInfo!(slot, mechanism.type, &info)
        if value == CK_RV(CKR_MECHANISM_INVALID) { return false }
        try PKCS11ReturnCode.check(value, "C_GetMechanismInfo(\(mechanism.name))")
        return info.flags & uses == uses
    }

    /// Runs `body` with a session secret key holding `value`, destroyed afterwards.
    func withSessionSecret<Result>(
        _ value: SecretBytes, _ body: (CK_OBJECT_HANDLE) throws(RootKeyError) -> Result
    ) throws(RootKeyError) -> Result {
        var object = CK_OBJECT_HANDLE(CK_INVALID_HANDLE)
        try value.withUnsafeBytes { (bytes) throws(RootKeyError) in
            try PKCS11Template.with(PKCS11Template.sessionSecret(value: bytes)) {
                (template, count) throws(RootKeyError) in
                try PKCS11ReturnCode.check(
                    functions.C_CreateObject!(handle, template, count, &object), "C_CreateObject")
            }
        }
        defer { destroy(object) }
        return try body(object)
    }

    /// `C_WrapKey`: `key` wrapped by `wrappingKey`.
    func wrapKey(
        _ key: CK_OBJECT_HANDLE, with wrappingKey: CK_OBJECT_HANDLE, _ mechanism: PKCS11Mechanism
    ) throws(RootKeyError) -> [UInt8] {
        try mechanism.with { (pointer) throws(RootKeyError) -> [UInt8] in
            var length = CK_ULONG(0)
            let step = "C_WrapKey(\(mechanism.name))"
            try PKCS11ReturnCode.check(functions.C_WrapKey!(handle, pointer, wrappingKey, key, nil, &length), step)
            var wrapped = [UInt8](repeating: 0, count: Int(length))
            try PKCS11ReturnCode.check(functions.C_WrapKey!(handle, pointer, wrappingKey, key, &wrapped, &length), step)
            return Array(wrapped.prefix(Int(length)))
        }
    }

    /// `C_UnwrapKey` into a session secret key, then its value; the session key is destroyed.
    func unwrapKey(
        _ wrapped: [UInt8], with unwrappingKey: CK_OBJECT_HANDLE, _ mechanism: PKCS11Mechanism
    ) throws(RootKeyError) -> SecretBytes {
        var object = CK_OBJECT_HANDLE(CK_INVALID_HANDLE)
        try mechanism.with { (pointer) throws(RootKeyError) in
            try PKCS11Template.with(PKCS11Template.sessionSecret(value: nil)) {
                (template, count) throws(RootKeyError) in
                var input = wrapped
                let value = functions.C_UnwrapKey!(
                    handle, pointer, unwrappingKey, &input, CK_ULONG(input.count), template, count, &object)
                try PKCS11ReturnCode.checkOpening(value, "C_UnwrapKey(\(mechanism.name))")
            }
        }
        defer { destroy(object) }
        let length = try self.length(of: CK_ATTRIBUTE_TYPE(CKA_VALUE), of: object)
        var failure: RootKeyError?
        let secret = SecretBytes(count: length) { buffer in
            do throws(RootKeyError) {
                try read(CK_ATTRIBUTE_TYPE(CKA_VALUE), of: object, into: buffer)
            } catch {
                failure = error
            }
        }
        if let failure { throw failure }
        return secret
    }

    /// `C_Encrypt` of a secret under `key` (a public key for RSA-OAEP).
    func encrypt(
        _ plaintext: SecretBytes, with key: CK_OBJECT_HANDLE, _ mechanism: PKCS11Mechanism
    ) throws(RootKeyError) -> [UInt8] {
        try mechanism.with { (pointer) throws(RootKeyError) -> [UInt8] in
            try PKCS11ReturnCode.check(
                functions.C_EncryptInit!(handle, pointer, key), "C_EncryptInit(\(mechanism.name))")
            return try plaintext.withUnsafeBytes { (bytes) throws(RootKeyError) -> [UInt8] in
                let input = UnsafeMutablePointer(mutating: bytes.baseAddress?.assumingMemoryBound(to: UInt8.self))
                var length = CK_ULONG(0)
                // A failed C_Encrypt ends the operation (v2.40 §5.8), so a failure leaves nothing open.
                try PKCS11ReturnCode.check(
                    functions.C_Encrypt!(handle, input, CK_ULONG(bytes.count), nil, &length), "C_Encrypt")
                var ciphertext = [UInt8](repeating: 0, count: Int(length))
                try PKCS11ReturnCode.check(
                    functions.C_Encrypt!(handle, input, CK_ULONG(bytes.count), &ciphertext, &length), "C_Encrypt")
                return Array(ciphertext.prefix(Int(length)))
            }
        }
    }

    /// `C_Decrypt` under `key` (a private key for RSA-OAEP), into memory that is zeroed.
    func decrypt(
        _ ciphertext: [UInt8], with key: CK_OBJECT_HANDLE, _ mechanism: PKCS11Mechanism
    ) throws(RootKeyError) -> SecretBytes {
        try mechanism.with { (pointer) throws(RootKeyError) -> SecretBytes in
            try PKCS11ReturnCode.check(
                functions.C_DecryptInit!(handle, pointer, key), "C_DecryptInit(\(mechanism.name))")
            var input = ciphertext
            var length = CK_ULONG(0)
            try PKCS11ReturnCode.check(
                functions.C_Decrypt!(handle, &input, CK_ULONG(input.count), nil, &length), "C_Decrypt")
            // The size query gives an upper bound (the modulus length); the buffer that held the
            // plaintext is a SecretBytes, so it is zeroed when released.
            var value = CK_RV(CKR_OK)
            let buffer = SecretBytes(count: Int(length)) { out in
                value = functions.C_Decrypt!(
                    handle, &input, CK_ULONG(input.count), out.baseAddress?.assumingMemoryBound(to: UInt8.self),
                    &length)
            }
            try PKCS11ReturnCode.checkOpening(value, "C_Decrypt")
            guard Int(length) <= buffer.count else {
                throw RootKeyError(.networkError, "C_Decrypt claimed more plaintext than its buffer holds")
            }
            return buffer.withUnsafeBytes {
                SecretBytes(copying: UnsafeRawBufferPointer(rebasing: $0[0..<Int(length)]))
            }
        }
    }

    // The return value is dropped on purpose: a session object that cannot be destroyed goes
    // with the session, which is closed at the end of this provider call.
    private func destroy(_ object: CK_OBJECT_HANDLE) {
        guard object != CK_OBJECT_HANDLE(CK_INVALID_HANDLE) else { return }
        _ = functions.C_DestroyObject!(handle, object)
    }
}
