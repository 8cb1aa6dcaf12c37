import Admin
import FuzzSupport

// The JSON request bodies of the admin API (and of `ledger import`, which decodes its lines
// the same way): the first byte picks the request type, the rest is the body. Decoding either
// succeeds or fails with a client error (malformed request or invalid argument) whose message
// repeats at most a bounded part of the input; it never crashes, whatever the nesting, the
// escapes or the numbers.

private let requests: [any JSONRequest.Type] = [
    EnrollRequest.self, PatchActorRequest.self, RotateKeyRequest.self, RewrapRequest.self,
    ProviderConfigRequest.self, AppendEntryRequest.self,
]

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRequestBody(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    var input = FuzzInput(UnsafeRawBufferPointer(start: start, count: count))
    let request = requests[Int(input.byte()) % requests.count]
    let body = input.rest()
    do throws(AdminError) {
        _ = try decode(request, body)
    } catch {
        require(
            error.code == .malformedRequest || error.code == .invalidArgument,
            "a request body failed with another error class: \(error)")
        require(error.message.utf8.count <= 1024, "an error message of \(error.message.utf8.count) bytes")
    }
    return 0
}

private func decode<Request: JSONRequest>(_ type: Request.Type, _ body: [UInt8]) throws(AdminError) -> Request {
    try Request.decode(body)
}

@main
enum FuzzRequestBodyMain {
    static func main() { FuzzDriver.run(fuzzRequestBody) }
}
