/// `/healthz`: the server, its database and its root key, while it can seal and open (the
/// root key fresh, or stale: serving from cached sealing keys). Failing closed is a 503 error.
public struct HealthReport: JSONReport {
    public let status: String
    public let database: String
    public let root: String
    public let staleSince: String?

    public init(root report: RootReport) {
        status = "ok"
        database = "ok"
        root = report.state
        staleSince = report.staleSince
    }

    public static let schema = ReportSchema<Self>(
        "Health", "The server, its database and its root key.",
        [
            .init("status", \.status, "ok.", as: .oneOf(["ok"])),
            .init("database", \.database, "ok.", as: .oneOf(["ok"])),
            .init(
                "root", \.root, "ok; stale (the provider fails, cached sealing keys still serve).",
                as: .oneOf(["ok", "stale"])),
            .init(
                "stale_since", \.staleSince, "Since when the root key provider has failed; null while it answers.",
                as: .nullable(.dateTime)),
        ])
}

/// What a reload dropped.
public struct ReloadReport: JSONReport {
    public let reloaded: Bool
    public let ownersEvicted: Int

    public init(ownersEvicted: Int) {
        reloaded = true
        self.ownersEvicted = ownersEvicted
    }

    public static let schema = ReportSchema<Self>(
        "Reload", "Every cached key was dropped; the next use reads them again.",
        [
            .init("reloaded", \.reloaded, "Always true."),
            .init("owners_evicted", \.ownersEvicted, "Owners that had keys cached.", as: .count),
        ])
}

/// Every error the API answers with: `{"error": {"code", "message"}}`.
public struct ErrorReport: JSONReport {
    public struct Detail: JSONReport {
        public let code: String
        public let message: String

        public static let schema = ReportSchema<Self>(
            "ErrorDetail", "What went wrong.",
            [
                .init(
                    "code", \.code,
                    "A stable code: the codes of the error table, or unauthorized, method_not_allowed, body_too_large…"),
                .init("message", \.message, "One line for people; never a secret."),
            ])
    }

    public let error: Detail

    public init(code: String, message: String) { error = Detail(code: code, message: message) }

    public static let schema = ReportSchema<Self>(
        "Error", "An error.",
        [
            .init("error", \.error, "The error.")
        ])
}
