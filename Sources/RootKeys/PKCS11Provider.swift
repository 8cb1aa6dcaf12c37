import ActorKeys

/// PKCS11Provider keeps the root key in a PKCS#11 HSM (SoftHSM2 in the tests), named by an
/// RFC 7512 URI: an AES key wraps with AES key wrap with padding (RFC 5649), an RSA key pair
/// with RSA-OAEP (SHA-1, MGF1-SHA-1). The module at `module-path` is loaded with `dlopen` on
/// the first call; actorkeys links no PKCS#11 library.
///
/// Neither mechanism takes associated data (and SoftHSM2 refuses an OAEP label), so the
/// context is bound the same way for both: what is wrapped is the first 16 bytes of
/// SHA-256(`context.associatedData`) followed by the key, and unwrap checks that prefix (in
/// constant time). AES-KWP and OAEP are both authenticated, so the prefix cannot be changed
/// without the wrapped key failing to unwrap; a key wrapped for another context is refused as
/// `.unsupportedKey`.
///
/// Each call runs on a thread of its own with a timeout (`BlockingCall`): a hung HSM stalls
/// that thread, never the cooperative pool, and the caller gets `.networkError` after
/// `timeout`; the hung call itself cannot be interrupted. Calls on one module are serialised
/// (`PKCS11Module.exclusively`): each opens a session, logs in, works, logs out and closes it.
public struct PKCS11Provider: RootKeyProvider {
    static let pinVariable = "ACTORKEYS_PKCS11_PIN"
    static let pinFile = "pkcs11.pin"
    static let bindingLength = 16

    public let pkcs11: PKCS11Location
    public let timeout: Duration
    let login: PKCS11Session.Login
    let loader: PKCS11Module.Loader

    public var location: RootKeyLocation { .pkcs11(pkcs11) }

    /// Opens the provider: finds the PIN (`pin-source` in the URI, else `ACTORKEYS_PKCS11_PIN`,
    /// else `<home>/secrets/pkcs11.pin`; none is `.authFailed`). It loads nothing and calls
    /// nothing: the first call does.
    public init(
        _ location: PKCS11Location, credentials: ProviderCredentials, timeout: Duration = .seconds(10)
    ) throws(RootKeyError) {
        self.pkcs11 = location
        self.timeout = timeout
        self.login = try Self.login(location, credentials)
        self.loader = PKCS11Module.Loader(path: location.modulePath)
    }

    static func login(
        _ location: PKCS11Location, _ credentials: ProviderCredentials
    ) throws(RootKeyError) -> PKCS11Session.Login {
        let pin: SecretBytes
        let source: String
        if let file = location.pinFile {
            guard let found = try ProviderCredentials.read(path: file) else {
                throw RootKeyError(.authFailed, "the PKCS#11 PIN file \(file) (pin-source) does not exist")
            }
            (pin, source) = (found, file)
        } else if let found = try credentials.secret(pinVariable, file: pinFile) {
            let fromEnvironment = !(credentials.environment[pinVariable] ?? "").isEmpty
            let file = credentials.secretsDirectory.map { FilePath.join($0, pinFile) } ?? pinFile
            (pin, source) = (found, fromEnvironment ? pinVariable : file)
        } else {
            let places = "give pin-source=file:PATH in the URI, set \(pinVariable) or write <home>/secrets/\(pinFile)"
            throw RootKeyError(.authFailed, "no PKCS#11 PIN: \(places)")
        }
        guard pin.count > 0 else { throw RootKeyError(.authFailed, "the PKCS#11 PIN from \(source) is empty") }
        return PKCS11Session.Login(pin: pin, source: source)
    }

    public func describe() async throws(RootKeyError) -> RootKeyFacts {
        try await call("describe") { (session, key) throws(RootKeyError) -> RootKeyFacts in
            try key.checkUsable(in: session, label: pkcs11.object)
            return RootKeyFacts(kekID: kekID(key), kekVersion: key.version)
        }
    }

    public func wrap(_ key: SecretBytes, context: WrapContext) async throws(RootKeyError) -> WrappedRootKey {
        let payload = Self.bound(key, context: context)
        return try await call("wrap") { (session, rootKey) throws(RootKeyError) -> WrappedRootKey in
            WrappedRootKey(ciphertext: try rootKey.wrap(payload, in: session), kekVersion: rootKey.version)
        }
    }

    public func unwrap(_ wrapped: WrappedRootKey, context: WrapContext) async throws(RootKeyError) -> SecretBytes {
        let payload = try await call("unwrap") { (session, rootKey) throws(RootKeyError) -> SecretBytes in
            do throws(RootKeyError) {
                return try rootKey.unwrap(wrapped.ciphertext, in: session)
            } catch  where error.code == .unsupportedKey && wrapped.kekVersion != rootKey.version {
                let versions = "wrapped by key version \(wrapped.kekVersion), the key is version \(rootKey.version)"
                throw RootKeyError(.unsupportedKey, "\(error.message); it was \(versions)")
            }
        }
        guard let key = Self.unbound(payload, context: context) else {
            throw RootKeyError(
                .unsupportedKey, "the sealing key unwrapped by \"\(pkcs11.object)\" was wrapped for another context")
        }
        return key
    }

    /// `pkcs11:token=…;object=…;type=…`: the key found, without the module or the PIN source.
    func kekID(_ key: PKCS11RootKey) -> String {
        let token = PercentEncoding.encode(pkcs11.token)
        let object = PercentEncoding.encode(pkcs11.object)
        return "pkcs11:token=\(token);object=\(object);type=\(key.type)"
    }

    /// Runs one provider call: off the cooperative pool, with the timeout, in a logged-in
    /// session, with the root key found.
    private func call<Result: Sendable>(
        _ what: String, _ body: @escaping @Sendable (PKCS11Session, PKCS11RootKey) throws(RootKeyError) -> Result
    ) async throws(RootKeyError) -> Result {
        let location = pkcs11
        let login = login
        let loader = loader
        return try await BlockingCall.run(timeout: timeout, "the PKCS#11 module \(location.modulePath) (\(what))") {
            () throws(RootKeyError) -> Result in
            let module = try loader.load()
            return try PKCS11Session.with(module, token: location.token, login: login) {
                (session) throws(RootKeyError) -> Result in
                let key = try PKCS11RootKey.find(
                    in: session, label: location.object, type: location.objectType, token: location.token)
                return try body(session, key)
            }
        }
    }

    // MARK: - Binding the context

    static func binding(_ context: WrapContext) -> [UInt8] {
        Array(SHA256.hash(context.associatedData).prefix(bindingLength))
    }

    /// The binding, then the key, in memory that is zeroed when released.
    static func bound(_ key: SecretBytes, context: WrapContext) -> SecretBytes {
        let binding = binding(context)
        return SecretBytes(count: bindingLength + key.count) { out in
            out.copyBytes(from: binding)
            key.withUnsafeBytes { bytes in
                UnsafeMutableRawBufferPointer(rebasing: out[bindingLength...]).copyMemory(from: bytes)
            }
        }
    }

    /// The key after a binding that matches `context`; nil if it does not.
    static func unbound(_ payload: SecretBytes, context: WrapContext) -> SecretBytes? {
        let binding = binding(context)
        return payload.withUnsafeBytes { bytes -> SecretBytes? in
            guard bytes.count > bindingLength else { return nil }
            let prefix = UnsafeRawBufferPointer(rebasing: bytes[0..<bindingLength])
            let matches = binding.withUnsafeBytes { ConstantTime.equal(prefix, $0) }
            guard matches else { return nil }
            return SecretBytes(copying: UnsafeRawBufferPointer(rebasing: bytes[bindingLength...]))
        }
    }
}
