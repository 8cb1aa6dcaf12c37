import Ledger

extension LedgerStore {
    /// Every text and blob cell of `tables`, as text (bytes decoded leniently), to look for
    /// secrets in.
    public func textOfEveryRow(in tables: [String]) async throws -> String {
        var text = ""
        for table in tables {
            let rows = try await pool.read { connection throws(LedgerError) in
                try connection.query("SELECT * FROM \(table)", [])
            }
            for row in rows {
                for value in row.values {
                    switch value {
                    case .text(let string): text += string + "\n"
                    case .blob(let bytes): text += String(decoding: bytes, as: UTF8.self) + "\n"
                    default: break
                    }
                }
            }
        }
        return text
    }
}
