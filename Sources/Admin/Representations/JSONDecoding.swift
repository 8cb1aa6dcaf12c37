import FoundationEssentials

enum JSONDecoding {
    /// Decodes a JSON object of strings (audit details).
    static func stringDictionary(_ text: String) throws -> [String: String] {
        try JSONDecoder().decode([String: String].self, from: Data(text.utf8))
    }
}
