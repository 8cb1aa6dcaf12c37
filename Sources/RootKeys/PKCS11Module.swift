internal import CPKCS11
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// PKCS11Module is one PKCS#11 library, loaded with `dlopen` from the URI's `module-path`, with
/// its function list, initialised (`C_Initialize` with `CKF_OS_LOCKING_OK`) for as long as any
/// provider in the process uses it.
///
/// `C_Initialize` and `C_Finalize` act on the whole library in the process, and so does login
/// state (PKCS#11 v2.40 §5.5: a login applies to every session the application has with the
/// token). So one process-wide table, keyed by the loaded library's handle, counts the
/// providers that use it: the first initialises it, the last one gone finalises it, both under
/// the table's lock, so a provider opened while the last other one closes never sees a library
/// finalised under it. If someone else in the process had initialised the library already
/// (`CKR_CRYPTOKI_ALREADY_INITIALIZED`), it is theirs: it is used and never finalised here.
///
/// Every session with the library runs under that library's one gate (`exclusively`): a
/// provider call logs in, works and logs out, and another call's logout must not end a login
/// in use. Provider calls are rare (a process start, a cache refresh), so serialising them costs
/// nothing that matters.
final class PKCS11Module: @unchecked Sendable {
    // @unchecked: the handle and the function list are written once, in `init`; the library
    // is initialised with CKF_OS_LOCKING_OK, and calls through it are serialised by the gate.
    let path: String
    private let handle: UnsafeMutableRawPointer
    private let functionList: UnsafeMutablePointer<CK_FUNCTION_LIST>
    private let gate: Gate

    /// Loads and initialises the library. A path that does not load, or loads something that
    /// is not a PKCS#11 module, is `.invalidURI`: the URI's module-path is the one part of it
    /// that is local to the node, and what the operator must fix is that path (or install the
    /// module on this node); `.keyNotFound` would send them looking for a key in the HSM. A
    /// module that loads but does not initialise (its HSM or its configuration unreachable) is
    /// `.networkError`, as a KMS that does not answer is.
    init(path: String) throws(RootKeyError) {
        guard let handle = dlopen(path, RTLD_NOW | RTLD_LOCAL) else {
            let reason = "\(Self.loaderError()); check module-path, or install the module on this node"
            throw RootKeyError(.invalidURI, "cannot load the PKCS#11 module \(path): \(reason)")
        }
        let list: UnsafeMutablePointer<CK_FUNCTION_LIST>
        let gate: Gate
        do {
            list = try Self.functionList(handle, path: path)
            gate = try Self.retain(handle, list, path: path)
        } catch {
            dlclose(handle)
            throw error
        }
        self.path = path
        self.handle = handle
        self.functionList = list
        self.gate = gate
    }

    deinit {
        let key = UInt(bitPattern: handle)
        let list = functionList
        Self.loaded.withLock { entries in
            guard var entry = entries[key] else { return }
            entry.users -= 1
            guard entry.users == 0 else {
                entries[key] = entry
                return
            }
            entries[key] = nil
            // The return value is of no use here: a library that cannot finalise has nothing
            // left that this process could release.
            if entry.initialisedHere { _ = list.pointee.C_Finalize?(nil) }
        }
        dlclose(handle)
    }

    /// Runs `body` with the library's functions while no other provider call uses the library.
    /// Every function `body` may call was checked present when the library was loaded.
    func exclusively<Result: Sendable>(
        _ body: (CK_FUNCTION_LIST) throws(RootKeyError) -> Result
    ) throws(RootKeyError) -> Result {
        let functions = functionList.pointee
        return try gate.lock.withLock { _ throws(RootKeyError) -> Result in try body(functions) }
    }

    // MARK: - The process-wide table

    private final class Gate: Sendable {
        let lock = Mutex<Void>(())
    }

    private struct Entry {
        var users: Int
        let initialisedHere: Bool
        let gate: Gate
    }

    private static let loaded = Mutex<[UInt: Entry]>([:])

    /// How many libraries this process has loaded and initialised (for the tests).
    static var loadedCount: Int { loaded.withLock { $0.count } }

    private static func retain(
        _ handle: UnsafeMutableRawPointer, _ list: UnsafeMutablePointer<CK_FUNCTION_LIST>, path: String
    ) throws(RootKeyError) -> Gate {
        let key = UInt(bitPattern: handle)
        return try loaded.withLock { (entries) throws(RootKeyError) -> Gate in
            if var entry = entries[key] {
                entry.users += 1
                entries[key] = entry
                return entry.gate
            }
            var arguments = CK_C_INITIALIZE_ARGS()
            arguments.flags = CK_FLAGS(CKF_OS_LOCKING_OK)
            let value = withUnsafeMutablePointer(to: &arguments) { list.pointee.C_Initialize!($0) }
            guard value == CK_RV(CKR_OK) || value == CK_RV(CKR_CRYPTOKI_ALREADY_INITIALIZED) else {
                throw RootKeyError(
                    .networkError,
                    "the PKCS#11 module \(path) did not initialise: \(PKCS11ReturnCode.name(of: value))")
            }
            let entry = Entry(users: 1, initialisedHere: value == CK_RV(CKR_OK), gate: Gate())
            entries[key] = entry
            return entry.gate
        }
    }

    private static func functionList(
        _ handle: UnsafeMutableRawPointer, path: String
    ) throws(RootKeyError) -> UnsafeMutablePointer<CK_FUNCTION_LIST> {
        guard let symbol = dlsym(handle, "C_GetFunctionList") else {
            throw RootKeyError(.invalidURI, "\(path) is not a PKCS#11 module: it has no C_GetFunctionList")
        }
        let getFunctionList = unsafeBitCast(symbol, to: CK_C_GetFunctionList.self)
        var list: UnsafeMutablePointer<CK_FUNCTION_LIST>? = nil
        let value = getFunctionList(&list)
        guard value == CK_RV(CKR_OK), let list else {
            throw RootKeyError(
                .invalidURI, "\(path) gave no PKCS#11 function list: \(PKCS11ReturnCode.name(of: value))")
        }
        let functions = list.pointee
        let present: [(String, Bool)] = [
            ("C_Initialize", functions.C_Initialize != nil), ("C_Finalize", functions.C_Finalize != nil),
            ("C_GetSlotList", functions.C_GetSlotList != nil), ("C_GetTokenInfo", functions.C_GetTokenInfo != nil),
            ("C_GetMechanismInfo", functions.C_GetMechanismInfo != nil),
            ("C_OpenSession", functions.C_OpenSession != nil), ("C_CloseSession", functions.C_CloseSession != nil),
            ("C_Login", functions.C_Login != nil), ("C_Logout", functions.C_Logout != nil),
            ("C_FindObjectsInit", functions.C_FindObjectsInit != nil),
            ("C_FindObjects", functions.C_FindObjects != nil),
            ("C_FindObjectsFinal", functions.C_FindObjectsFinal != nil),
            ("C_GetAttributeValue", functions.C_GetAttributeValue != nil),
            ("C_CreateObject", functions.C_CreateObject != nil), ("C_DestroyObject", functions.C_DestroyObject != nil),
            ("C_WrapKey", functions.C_WrapKey != nil), ("C_UnwrapKey", functions.C_UnwrapKey != nil),
            ("C_EncryptInit", functions.C_EncryptInit != nil), ("C_Encrypt", functions.C_Encrypt != nil),
            ("C_DecryptInit", functions.C_DecryptInit != nil), ("C_Decrypt", functions.C_Decrypt != nil),
        ]
        if let missing = present.first(where: { !$0.1 }) {
            throw RootKeyError(.invalidURI, "\(path) is not a usable PKCS#11 module: it lacks \(missing.0)")
        }
        return list
    }

    private static func loaderError() -> String {
        guard let text = dlerror() else { return "unknown loader error" }
        return String(cString: text)
    }
}

extension PKCS11Module {
    /// Loader loads a provider's module on its first call, not when the provider is opened
    /// (opening makes no call), and keeps it for the provider's lifetime; a failed load is tried
    /// again on the next call.
    final class Loader: Sendable {
        let path: String
        private let module = Mutex<PKCS11Module?>(nil)

        init(path: String) {
            self.path = path
        }

        func load() throws(RootKeyError) -> PKCS11Module {
            try module.withLock { (module) throws(RootKeyError) -> PKCS11Module in
                if let module { return module }
                let loaded = try PKCS11Module(path: path)
                module = loaded
                return loaded
            }
        }
    }
}
