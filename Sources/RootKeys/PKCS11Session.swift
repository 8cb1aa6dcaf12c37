import ActorKeys
internal import CPKCS11

#if canImport(Glibc)
import Glibc
#endif

/// PKCS11Session is one logged-in session with the token a location names, for the length of
/// one provider call: `PKCS11Session.with` finds the token, opens the session, logs in, runs
/// the body, and logs out and closes the session on every path, under the module's gate.
///
/// The session is read-only (`CKF_SERIAL_SESSION` alone): actorkeys creates only session
/// objects, which a read-only session may create and destroy (PKCS#11 v2.40 §5.6), so a
/// write-protected token or a user without write access still serves as a root key.
struct PKCS11Session {
    let functions: CK_FUNCTION_LIST
    let slot: CK_SLOT_ID
    let handle: CK_SESSION_HANDLE

    /// The PIN and where it came from (a file path or a variable name, never its value).
    struct Login {
        let pin: SecretBytes
        let source: String
    }

    static func with<Result: Sendable>(
        _ module: PKCS11Module, token: String, login: Login,
        _ body: (PKCS11Session) throws(RootKeyError) -> Result
    ) throws(RootKeyError) -> Result {
        try module.exclusively { (functions) throws(RootKeyError) -> Result in
            let slot = try findSlot(functions, token: token, path: module.path)
            var handle = CK_SESSION_HANDLE(CK_INVALID_HANDLE)
            try PKCS11ReturnCode.check(
                functions.C_OpenSession!(slot, CK_FLAGS(CKF_SERIAL_SESSION), nil, nil, &handle),
                "C_OpenSession on token \(token)")
            let session = PKCS11Session(functions: functions, slot: slot, handle: handle)
            defer { session.close() }
            let loggedInHere = try session.logIn(login, token: token)
            defer { if loggedInHere { session.logOut() } }
            return try body(session)
        }
    }

    /// The slot whose token has this label. Token labels are 32 bytes padded with spaces
    /// (v2.40 §3.2, `CK_TOKEN_INFO.label`); some modules pad with NULs, so both are trimmed.
    static func findSlot(_ functions: CK_FUNCTION_LIST, token: String, path: String) throws(RootKeyError) -> CK_SLOT_ID
    {
        // A file-backed module (SoftHSM2) answers CKR_GENERAL_ERROR while another process rewrites
        // a token's file in the same store (a failed login does): the scan is read-only, so it is
        // tried again, twice, before the error stands.
        var attempt = 0
        while true {
            do {
                return try scanSlots(functions, token: token, path: path)
            } catch  where error.message.hasSuffix(PKCS11ReturnCode.name(of: CK_RV(CKR_GENERAL_ERROR))) && attempt < 2 {
                attempt += 1
                usleep(useconds_t(25_000 * attempt))
            }
        }
    }

    private static func scanSlots(
        _ functions: CK_FUNCTION_LIST, token: String, path: String
    ) throws(RootKeyError) -> CK_SLOT_ID {
        var count = CK_ULONG(0)
        try PKCS11ReturnCode.check(functions.C_GetSlotList!(CK_BBOOL(CK_TRUE), nil, &count), "C_GetSlotList")
        var slots = [CK_SLOT_ID](repeating: 0, count: Int(count))
        if count > 0 {
            try PKCS11ReturnCode.check(functions.C_GetSlotList!(CK_BBOOL(CK_TRUE), &slots, &count), "C_GetSlotList")
        }
        var matches: [CK_SLOT_ID] = []
        for slot in slots.prefix(Int(count)) {
            var info = CK_TOKEN_INFO()
            let value = functions.C_GetTokenInfo!(slot, &info)
            // A slot whose token went away between the two calls is not the one looked for.
            if value == CK_RV(CKR_TOKEN_NOT_PRESENT) || value == CK_RV(CKR_TOKEN_NOT_RECOGNIZED) { continue }
            try PKCS11ReturnCode.check(value, "C_GetTokenInfo")
            if label(of: info) == Array(token.utf8) { matches.append(slot) }
        }
        guard let slot = matches.first else {
            throw RootKeyError(.keyNotFound, "no token labelled \"\(token)\" in the PKCS#11 module \(path)")
        }
        guard matches.count == 1 else {
            throw RootKeyError(
                .invalidURI,
                "\(matches.count) tokens are labelled \"\(token)\": give the root key's token its own label")
        }
        return slot
    }

    private static func label(of info: CK_TOKEN_INFO) -> [UInt8] {
        var bytes = withUnsafeBytes(of: info.label) { Array($0) }
        while let last = bytes.last, last == 0x20 || last == 0 { bytes.removeLast() }
        return bytes
    }

    /// Logs in as the user; false if the token was logged in already by someone else in this
    /// process (their login is left as it is). A refused PIN is `.authFailed`, naming where the
    /// PIN came from and never the PIN.
    private func logIn(_ login: Login, token: String) throws(RootKeyError) -> Bool {
        let value = login.pin.withUnsafeBytes { pin in
            functions.C_Login!(
                handle, CK_USER_TYPE(CKU_USER),
                UnsafeMutablePointer(mutating: pin.baseAddress?.assumingMemoryBound(to: UInt8.self)),
                CK_ULONG(pin.count))
        }
        if value == CK_RV(CKR_USER_ALREADY_LOGGED_IN) { return false }
        guard value == CK_RV(CKR_OK) else {
            let code = PKCS11ReturnCode.code(of: value)
            throw RootKeyError(
                code == .networkError ? .networkError : .authFailed,
                "C_Login on token \(token) failed: \(PKCS11ReturnCode.name(of: value)) (the PIN from \(login.source))")
        }
        return true
    }

    // The return values of C_Logout and C_CloseSession are dropped on purpose: nothing can be
    // done about a failure (the call's own outcome is what the caller gets, and the library
    // drops a session's objects and login with the session, or at C_Finalize), and a failure
    // here must not turn a wrap that succeeded into an error.
    private func logOut() {
        _ = functions.C_Logout!(handle)
    }

    private func close() {
        _ = functions.C_CloseSession!(handle)
    }

    // MARK: - Objects and attributes

    /// The one object of this class with this label; nil if there is none. Two are ambiguous,
    /// `.invalidURI`: the URI must name one key.
    func findObject(class objectClass: CK_OBJECT_CLASS, label: String) throws(RootKeyError) -> CK_OBJECT_HANDLE? {
        let search: [(CK_ATTRIBUTE_TYPE, PKCS11Template.Value)] = [
            (CK_ATTRIBUTE_TYPE(CKA_CLASS), .ulong(objectClass)), (CK_ATTRIBUTE_TYPE(CKA_LABEL), .text(label)),
        ]
        try PKCS11Template.with(search) { (template, count) throws(RootKeyError) in
            try PKCS11ReturnCode.check(functions.C_FindObjectsInit!(handle, template, count), "C_FindObjectsInit")
        }
        var found = [CK_OBJECT_HANDLE](repeating: CK_OBJECT_HANDLE(CK_INVALID_HANDLE), count: 2)
        var count = CK_ULONG(0)
        let searched = functions.C_FindObjects!(handle, &found, CK_ULONG(found.count), &count)
        let finished = functions.C_FindObjectsFinal!(handle)
        try PKCS11ReturnCode.check(searched, "C_FindObjects")
        try PKCS11ReturnCode.check(finished, "C_FindObjectsFinal")
        guard count <= 1 else {
            throw RootKeyError(
                .invalidURI, "more than one object is labelled \"\(label)\": give the root key its own label")
        }
        return count == 1 ? found[0] : nil
    }

    /// A `CK_ULONG` attribute (`CKA_KEY_TYPE`, `CKA_MODULUS_BITS`…).
    func ulong(_ type: CK_ATTRIBUTE_TYPE, of object: CK_OBJECT_HANDLE) throws(RootKeyError) -> CK_ULONG {
        var value = CK_ULONG(0)
        try withUnsafeMutableBytes(of: &value) { (bytes) throws(RootKeyError) in
            try read(type, of: object, into: bytes)
        }
        return value
    }

    /// A `CK_BBOOL` attribute (`CKA_WRAP`, `CKA_DECRYPT`…).
    func bool(_ type: CK_ATTRIBUTE_TYPE, of object: CK_OBJECT_HANDLE) throws(RootKeyError) -> Bool {
        var value = CK_BBOOL(CK_FALSE)
        try withUnsafeMutableBytes(of: &value) { (bytes) throws(RootKeyError) in
            try read(type, of: object, into: bytes)
        }
        return value != CK_BBOOL(CK_FALSE)
    }

    /// A byte-string attribute that is not secret (`CKA_ID`); empty if the object has none.
    func bytes(_ type: CK_ATTRIBUTE_TYPE, of object: CK_OBJECT_HANDLE) throws(RootKeyError) -> [UInt8] {
        let length = try length(of: type, of: object)
        guard length > 0 else { return [] }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: length, alignment: 1)
        defer { buffer.deallocate() }
        try read(type, of: object, into: buffer)
        return Array(buffer)
    }

    func length(of type: CK_ATTRIBUTE_TYPE, of object: CK_OBJECT_HANDLE) throws(RootKeyError) -> Int {
        var attribute = CK_ATTRIBUTE(type: type, pValue: nil, ulValueLen: 0)
        let value = functions.C_GetAttributeValue!(handle, object, &attribute, 1)
        if value == CK_RV(CKR_ATTRIBUTE_TYPE_INVALID) { return 0 }
        try PKCS11ReturnCode.check(value, "C_GetAttributeValue")
        // CK_UNAVAILABLE_INFORMATION, the all-ones value, is caught by the bound.
        guard attribute.ulValueLen <= 1 << 20 else {
            throw RootKeyError(.unsupportedKey, "an attribute of the root key cannot be read")
        }
        return Int(attribute.ulValueLen)
    }

    /// Reads an attribute of exactly `buffer.count` bytes into `buffer`.
    func read(
        _ type: CK_ATTRIBUTE_TYPE, of object: CK_OBJECT_HANDLE, into buffer: UnsafeMutableRawBufferPointer
    ) throws(RootKeyError) {
        var attribute = CK_ATTRIBUTE(type: type, pValue: buffer.baseAddress, ulValueLen: CK_ULONG(buffer.count))
        try PKCS11ReturnCode.check(functions.C_GetAttributeValue!(handle, object, &attribute, 1), "C_GetAttributeValue")
        guard attribute.ulValueLen == CK_ULONG(buffer.count) else {
            throw RootKeyError(.unsupportedKey, "an attribute of the root key has an unexpected length")
        }
    }
}
