internal import CPKCS11

/// PKCS11ReturnCode sorts a PKCS#11 return value (`CK_RV`) into the root key error codes and
/// names it the way the specification spells it, so an operator can look it up in the HSM's
/// manual. Every call into a module goes through `check`: no return value is ignored.
enum PKCS11ReturnCode {
    /// Throws unless `value` is `CKR_OK`; the message names the step and the return value.
    static func check(_ value: CK_RV, _ step: String) throws(RootKeyError) {
        guard value != CK_RV(CKR_OK) else { return }
        throw RootKeyError(code(of: value), "\(step) failed: \(name(of: value))")
    }

    /// The same for the step that opens a wrapped key (`C_UnwrapKey`, `C_Decrypt`). Modules
    /// report a failed integrity check there as they like: the standard's
    /// `CKR_WRAPPED_KEY_INVALID` or `CKR_ENCRYPTED_DATA_INVALID`, but SoftHSM2 (and others) as
    /// `CKR_GENERAL_ERROR` or `CKR_FUNCTION_FAILED`. At this step, with the key found and the
    /// mechanism accepted, those mean the wrapped bytes did not open: `.unsupportedKey`.
    static func checkOpening(_ value: CK_RV, _ step: String) throws(RootKeyError) {
        let refused: Set<CK_RV> = [
            CK_RV(CKR_GENERAL_ERROR), CK_RV(CKR_FUNCTION_FAILED), CK_RV(CKR_WRAPPED_KEY_INVALID),
            CK_RV(CKR_WRAPPED_KEY_LEN_RANGE), CK_RV(CKR_ENCRYPTED_DATA_INVALID), CK_RV(CKR_ENCRYPTED_DATA_LEN_RANGE),
        ]
        guard refused.contains(value) else { return try check(value, step) }
        let reason = "\(step) failed: \(name(of: value))"
        throw RootKeyError(
            .unsupportedKey, "the root key does not unwrap this sealing key (altered, or another key's): \(reason)")
    }

    /// The failure class of a return value. A wrong PIN or a lost login is `.authFailed`; a key
    /// that exists but may not wrap, or a wrapped key it does not recognise, `.unsupportedKey`;
    /// a vanished token or object, `.keyNotFound`; a device or library failure, `.networkError`
    /// (the HSM could not do its part), as an unreachable KMS is.
    static func code(of value: CK_RV) -> RootKeyErrorCode {
        switch value {
        case CK_RV(CKR_PIN_INCORRECT), CK_RV(CKR_PIN_INVALID), CK_RV(CKR_PIN_LEN_RANGE), CK_RV(CKR_PIN_EXPIRED),
            CK_RV(CKR_PIN_LOCKED), CK_RV(CKR_USER_NOT_LOGGED_IN), CK_RV(CKR_USER_PIN_NOT_INITIALIZED),
            CK_RV(CKR_USER_TYPE_INVALID), CK_RV(CKR_USER_ANOTHER_ALREADY_LOGGED_IN):
            return .authFailed
        case CK_RV(CKR_MECHANISM_INVALID), CK_RV(CKR_MECHANISM_PARAM_INVALID), CK_RV(CKR_KEY_TYPE_INCONSISTENT),
            CK_RV(CKR_KEY_FUNCTION_NOT_PERMITTED), CK_RV(CKR_KEY_SIZE_RANGE), CK_RV(CKR_KEY_NOT_WRAPPABLE),
            CK_RV(CKR_KEY_UNEXTRACTABLE), CK_RV(CKR_WRAPPING_KEY_TYPE_INCONSISTENT),
            CK_RV(CKR_WRAPPING_KEY_SIZE_RANGE), CK_RV(CKR_UNWRAPPING_KEY_TYPE_INCONSISTENT),
            CK_RV(CKR_UNWRAPPING_KEY_SIZE_RANGE), CK_RV(CKR_WRAPPED_KEY_INVALID), CK_RV(CKR_WRAPPED_KEY_LEN_RANGE),
            CK_RV(CKR_ENCRYPTED_DATA_INVALID), CK_RV(CKR_ENCRYPTED_DATA_LEN_RANGE), CK_RV(CKR_DATA_LEN_RANGE),
            CK_RV(CKR_DATA_INVALID), CK_RV(CKR_ATTRIBUTE_SENSITIVE), CK_RV(CKR_ACTION_PROHIBITED):
            return .unsupportedKey
        case CK_RV(CKR_TOKEN_NOT_PRESENT), CK_RV(CKR_TOKEN_NOT_RECOGNIZED), CK_RV(CKR_SLOT_ID_INVALID),
            CK_RV(CKR_DEVICE_REMOVED), CK_RV(CKR_OBJECT_HANDLE_INVALID), CK_RV(CKR_KEY_HANDLE_INVALID),
            CK_RV(CKR_WRAPPING_KEY_HANDLE_INVALID):
            return .keyNotFound
        case CK_RV(CKR_TOKEN_WRITE_PROTECTED), CK_RV(CKR_SESSION_READ_ONLY):
            return .permissionDenied
        default:
            return .networkError
        }
    }

    /// `CKR_PIN_INCORRECT`, or `CKR 0x…` for a value this table does not know (vendor codes).
    static func name(of value: CK_RV) -> String {
        if let name = names[value] { return name }
        return "CKR 0x" + String(value, radix: 16)
    }

    private static let names: [CK_RV: String] = [
        CK_RV(CKR_OK): "CKR_OK", CK_RV(CKR_CANCEL): "CKR_CANCEL", CK_RV(CKR_HOST_MEMORY): "CKR_HOST_MEMORY",
        CK_RV(CKR_SLOT_ID_INVALID): "CKR_SLOT_ID_INVALID", CK_RV(CKR_GENERAL_ERROR): "CKR_GENERAL_ERROR",
        CK_RV(CKR_FUNCTION_FAILED): "CKR_FUNCTION_FAILED", CK_RV(CKR_ARGUMENTS_BAD): "CKR_ARGUMENTS_BAD",
        CK_RV(CKR_CANT_LOCK): "CKR_CANT_LOCK", CK_RV(CKR_ATTRIBUTE_SENSITIVE): "CKR_ATTRIBUTE_SENSITIVE",
        CK_RV(CKR_ATTRIBUTE_TYPE_INVALID): "CKR_ATTRIBUTE_TYPE_INVALID",
        CK_RV(CKR_ATTRIBUTE_VALUE_INVALID): "CKR_ATTRIBUTE_VALUE_INVALID",
        CK_RV(CKR_ACTION_PROHIBITED): "CKR_ACTION_PROHIBITED", CK_RV(CKR_DATA_INVALID): "CKR_DATA_INVALID",
        CK_RV(CKR_DATA_LEN_RANGE): "CKR_DATA_LEN_RANGE", CK_RV(CKR_DEVICE_ERROR): "CKR_DEVICE_ERROR",
        CK_RV(CKR_DEVICE_MEMORY): "CKR_DEVICE_MEMORY", CK_RV(CKR_DEVICE_REMOVED): "CKR_DEVICE_REMOVED",
        CK_RV(CKR_ENCRYPTED_DATA_INVALID): "CKR_ENCRYPTED_DATA_INVALID",
        CK_RV(CKR_ENCRYPTED_DATA_LEN_RANGE): "CKR_ENCRYPTED_DATA_LEN_RANGE",
        CK_RV(CKR_FUNCTION_NOT_SUPPORTED): "CKR_FUNCTION_NOT_SUPPORTED",
        CK_RV(CKR_KEY_HANDLE_INVALID): "CKR_KEY_HANDLE_INVALID", CK_RV(CKR_KEY_SIZE_RANGE): "CKR_KEY_SIZE_RANGE",
        CK_RV(CKR_KEY_TYPE_INCONSISTENT): "CKR_KEY_TYPE_INCONSISTENT",
        CK_RV(CKR_KEY_FUNCTION_NOT_PERMITTED): "CKR_KEY_FUNCTION_NOT_PERMITTED",
        CK_RV(CKR_KEY_NOT_WRAPPABLE): "CKR_KEY_NOT_WRAPPABLE", CK_RV(CKR_KEY_UNEXTRACTABLE): "CKR_KEY_UNEXTRACTABLE",
        CK_RV(CKR_MECHANISM_INVALID): "CKR_MECHANISM_INVALID",
        CK_RV(CKR_MECHANISM_PARAM_INVALID): "CKR_MECHANISM_PARAM_INVALID",
        CK_RV(CKR_OBJECT_HANDLE_INVALID): "CKR_OBJECT_HANDLE_INVALID",
        CK_RV(CKR_OPERATION_ACTIVE): "CKR_OPERATION_ACTIVE", CK_RV(CKR_PIN_INCORRECT): "CKR_PIN_INCORRECT",
        CK_RV(CKR_PIN_INVALID): "CKR_PIN_INVALID", CK_RV(CKR_PIN_LEN_RANGE): "CKR_PIN_LEN_RANGE",
        CK_RV(CKR_PIN_EXPIRED): "CKR_PIN_EXPIRED", CK_RV(CKR_PIN_LOCKED): "CKR_PIN_LOCKED",
        CK_RV(CKR_SESSION_CLOSED): "CKR_SESSION_CLOSED", CK_RV(CKR_SESSION_COUNT): "CKR_SESSION_COUNT",
        CK_RV(CKR_SESSION_HANDLE_INVALID): "CKR_SESSION_HANDLE_INVALID",
        CK_RV(CKR_SESSION_READ_ONLY): "CKR_SESSION_READ_ONLY",
        CK_RV(CKR_TEMPLATE_INCOMPLETE): "CKR_TEMPLATE_INCOMPLETE",
        CK_RV(CKR_TEMPLATE_INCONSISTENT): "CKR_TEMPLATE_INCONSISTENT",
        CK_RV(CKR_TOKEN_NOT_PRESENT): "CKR_TOKEN_NOT_PRESENT",
        CK_RV(CKR_TOKEN_NOT_RECOGNIZED): "CKR_TOKEN_NOT_RECOGNIZED",
        CK_RV(CKR_TOKEN_WRITE_PROTECTED): "CKR_TOKEN_WRITE_PROTECTED",
        CK_RV(CKR_UNWRAPPING_KEY_SIZE_RANGE): "CKR_UNWRAPPING_KEY_SIZE_RANGE",
        CK_RV(CKR_UNWRAPPING_KEY_TYPE_INCONSISTENT): "CKR_UNWRAPPING_KEY_TYPE_INCONSISTENT",
        CK_RV(CKR_USER_ALREADY_LOGGED_IN): "CKR_USER_ALREADY_LOGGED_IN",
        CK_RV(CKR_USER_NOT_LOGGED_IN): "CKR_USER_NOT_LOGGED_IN",
        CK_RV(CKR_USER_PIN_NOT_INITIALIZED): "CKR_USER_PIN_NOT_INITIALIZED",
        CK_RV(CKR_USER_TYPE_INVALID): "CKR_USER_TYPE_INVALID",
        CK_RV(CKR_USER_ANOTHER_ALREADY_LOGGED_IN): "CKR_USER_ANOTHER_ALREADY_LOGGED_IN",
        CK_RV(CKR_WRAPPED_KEY_INVALID): "CKR_WRAPPED_KEY_INVALID",
        CK_RV(CKR_WRAPPED_KEY_LEN_RANGE): "CKR_WRAPPED_KEY_LEN_RANGE",
        CK_RV(CKR_WRAPPING_KEY_HANDLE_INVALID): "CKR_WRAPPING_KEY_HANDLE_INVALID",
        CK_RV(CKR_WRAPPING_KEY_SIZE_RANGE): "CKR_WRAPPING_KEY_SIZE_RANGE",
        CK_RV(CKR_WRAPPING_KEY_TYPE_INCONSISTENT): "CKR_WRAPPING_KEY_TYPE_INCONSISTENT",
        CK_RV(CKR_BUFFER_TOO_SMALL): "CKR_BUFFER_TOO_SMALL",
        CK_RV(CKR_CRYPTOKI_NOT_INITIALIZED): "CKR_CRYPTOKI_NOT_INITIALIZED",
        CK_RV(CKR_CRYPTOKI_ALREADY_INITIALIZED): "CKR_CRYPTOKI_ALREADY_INITIALIZED",
        CK_RV(CKR_FUNCTION_REJECTED): "CKR_FUNCTION_REJECTED",
    ]
}
