import ActorKeys
import Envelope
import Testing

@testable import RootKeys

/// SigV4 against AWS's own published examples: the IAM `ListUsers` request of the general
/// reference's signing walkthrough ("Create a canonical request", "Create a string to sign",
/// "Calculate the signature": hashed canonical request f536975d…, signing key c4afb1cc…,
/// signature 5d672d79…) and the S3 `GET /test.txt` example of "Signature Calculations for the
/// Authorization Header" (string to sign hash 7344ae5b…, signature f0e8bdb8…).
struct SigV4Tests {
    static let iamSecret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
    // The S3 examples use a secret with "/" where the IAM one has "+".
    static let s3Secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
    static let emptyHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

    func signer(_ secret: String, region: String = "us-east-1", service: String, token: String? = nil) -> SigV4 {
        SigV4(
            accessKeyID: "AKIDEXAMPLE", secretAccessKey: SecretBytes(copying: Array(secret.utf8)),
            sessionToken: token.map { SecretBytes(copying: Array($0.utf8)) }, region: region, service: service)
    }

    @Test func derivesTheDocumentedSigningKey() {
        let key = SigV4.signingKey(
            secret: SecretBytes(copying: Array(Self.iamSecret.utf8)), date: "20150830", region: "us-east-1",
            service: "iam")
        #expect(Hex.encode(key) == "c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9")
    }

    @Test func signsTheDocumentedIAMRequest() {
        let (canonical, signed) = SigV4.canonicalRequest(
            method: "GET", path: "/", query: [("Version", "2010-05-08"), ("Action", "ListUsers")],
            headers: [
                ("Host", "iam.amazonaws.com"), ("Content-Type", "application/x-www-form-urlencoded; charset=utf-8"),
                ("X-Amz-Date", "20150830T123600Z"),
            ], payloadHash: Self.emptyHash)
        #expect(
            canonical == """
                GET
                /
                Action=ListUsers&Version=2010-05-08
                content-type:application/x-www-form-urlencoded; charset=utf-8
                host:iam.amazonaws.com
                x-amz-date:20150830T123600Z

                content-type;host;x-amz-date
                \(Self.emptyHash)
                """)
        #expect(signed == "content-type;host;x-amz-date")
        #expect(
            Hex.encode(SHA256.hash(canonical)) == "f536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59")
        let signer = signer(Self.iamSecret, service: "iam")
        #expect(
            SigV4.stringToSign(
                amzDate: "20150830T123600Z", scope: signer.credentialScope(date: "20150830"),
                canonicalRequest: canonical)
                == "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/iam/aws4_request\n"
                + "f536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59")
        #expect(
            signer.signature(canonicalRequest: canonical, amzDate: "20150830T123600Z")
                == "5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7")
    }

    @Test func signsTheDocumentedS3GetObjectRequest() {
        let signer = signer(Self.s3Secret, service: "s3")
        let headers = signer.sign(
            method: "GET", path: "/test.txt",
            headers: [("Host", "examplebucket.s3.amazonaws.com"), ("Range", "bytes=0-9")],
            body: [], amzDate: "20130524T000000Z", contentSHA256: true)
        #expect(headers.first { $0.0 == "x-amz-content-sha256" }?.1 == Self.emptyHash)
        #expect(headers.first { $0.0 == "x-amz-date" }?.1 == "20130524T000000Z")
        #expect(
            headers.first { $0.0 == "Authorization" }?.1
                == "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20130524/us-east-1/s3/aws4_request, "
                + "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, "
                + "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41")
    }

    @Test func aSessionTokenIsSentAndSigned() {
        let signer = signer(Self.iamSecret, service: "kms", token: "session-token-value")
        let headers = signer.sign(
            method: "POST", path: "/", headers: [("Host", "kms.us-east-1.amazonaws.com")], body: Array("{}".utf8),
            amzDate: "20250101T000000Z")
        #expect(headers.first { $0.0 == "x-amz-security-token" }?.1 == "session-token-value")
        #expect(headers.contains { $0.0 == "x-amz-content-sha256" } == false)
        let authorization = headers.first { $0.0 == "Authorization" }?.1 ?? ""
        #expect(authorization.contains("SignedHeaders=host;x-amz-date;x-amz-security-token,"))
        #expect(!authorization.contains("session-token-value"))
    }

    @Test func canonicalHeadersAreTrimmedMergedAndSorted() {
        let (canonical, signed) = SigV4.canonicalRequest(
            method: "post", path: "", query: [("b", "x y"), ("a", "2"), ("a", "1")],
            headers: [("X-B", "  two   words "), ("x-a", "1"), ("X-A", "2")], payloadHash: Self.emptyHash)
        #expect(canonical.hasPrefix("POST\n/\na=1&a=2&b=x%20y\nx-a:1,2\nx-b:two words\n\nx-a;x-b\n"))
        #expect(signed == "x-a;x-b")
    }

    @Test func theDateIsUTCInTheBasicFormat() {
        let date = SigV4.amzDate()
        #expect(date.count == 16)
        #expect(date.dropFirst(8).first == "T")
        #expect(date.last == "Z")
        #expect(date.filter(\.isNumber).count == 14)
    }
}
