import Testing

@testable import ActorKeys

@Suite("post-quantum keys (MLKEM768-X25519)")
struct HybridKeyTests {
    /// The example pair of C2SP age.md, "The MLKEM768-X25519 (i.e. X-Wing) hybrid post-quantum
    /// recipient type": the identity's recipient is the one the specification prints.
    static let specIdentity = "AGE-SECRET-KEY-PQ-1XX76JRALNLXDMEW0CRK45QMCCH4X06SE84UN3VPM33W6HWDX0H3SK3ZQFR"
    static let specRecipient =
        "age1pq1x34nzsvr0rxjsgdn8zgyhfe8j7ceq5r9rdelkjuh3y235jzxshfg87pzf5zrqtzdxz95paef6caq5aapdmwjjqpjfdyxn"
        + "zr2zampc3uxy0dg4z2n2gm9su72p0pc3u0jvev55l694v78snxg3yzvcl7yda0eyytqj6a0ec477lnhcy5hzpz4zq3pxanve4cn6"
        + "2gqj3pjy5lqj9c6kyj4v2z8alktn8zh99970x79gjkv7522hv9kfz35zsnxhsx8wwtmu9cy3ftzjgwcp4sshn3llnylnpdsyz5jm"
        + "72vefv4x5vfwytrefxg4wq3mv42wcrvkj742479zrxzpvp2p3e9fed9f0739vcu80r7ma28qfhnvlv4gfzel9q654dj3zmuvvz89"
        + "3azhxdvs9fxd0r7jzchzcfcs5mkyyjxhw0n2z6dvp9yn9qfdp29h0azxqyjw6v7fhyuzj7zel0uq6j9rd7wgrpz7mf5dnj43jwsg"
        + "vrc8qcnhy7tu6dkdujuxzkp9xj43xe8h92ktre2a3u3s8mm5mrp9nr9pwkgtz4mdlq9hgn4fps4k57ff6wddn2fy23t47sm20r8k"
        + "m8sd2pcyyafnet8f0dajsrlyjeah4n3mssr6aseevuuskdvq5lzguyvpgwpta742c6698vgutzqgny8usfg0w2he7kq5vyxjd0f9"
        + "hqg8xk26y9e4th0gezq92q4cpp5p2y9hf5f2cje5l0c3sa3a2qxmm38pxxvhxh99yzmfz0zk7r2s64nnwjhkfgfr3gf8xnmppcgm"
        + "aykvh5sh6g7vk9790rf8ws0axmr2t7z8aae5fq2029uvcn2ghgt4fu4wgwdc0k0cz52qkvwmuzj8p8k5jgf3xzk5zmrkavjekjrp"
        + "eq408xz3zxazwkc6tyfmhayrkfpjhwtz5mp8j8guqe43k2q6m2kte03vrw27y3wmqyu5etmt9dnkwcnnpmu9gz9dekfhdevf42uc"
        + "shphnrk38ra6hx8w5f8q5ru0xdhrjxmwqf6cused7zc5xvq43r0zscjglpwlptpwydhqw64xz7ptjdyeyzpq2zkxtmzg29gzjpvz"
        + "va4d3l0cenn9xs297wf4y4ukwrunf57xj6pm7nvrkwvtrt8hwcmgv8x7ajw7258ugf9wvkmk4052ekg87tw5vnx8nq2swyzv77v8"
        + "yqlwsenvamr0zssknwts8rrhfuwj7ykysnq9jxy0uv3kuyt22djszjdtvpz6d0s0kwh8ryynddzud92emeyvvyqktd0jtj7rvvg5"
        + "gch25v8smlvny3kvn5gagyz475ze2y6q466xqmz2n3hs77lddeqyta2nch5k2u5yacuk9ywnwfdzvyejnucz724hj77hrrmakm7p"
        + "r3kxsrxq22ejexlud9fy2kdqmkg5yncz7jm5wv2qjk5w5kvcpqsry2yqffh2la52dxfjkjq5rzhjzeyn6dupn0qwtyv7s4lwg3xd"
        + "arsdlwe2y3tujy480y7z39q259fzx6jhd2j0f5hagqpcpees7hzc2yrk5cy788uk3s7qvp5cpepx24gvws3m2g433exgwppnkjsc"
        + "ec8qu4y9z9r7vccexjcjaen42245lmgmxmuavg9alej92322gvvyy2t6267v09ch64y0m53jff0vjj96s0ypk60hr3jw4myd6m5h"
        + "pn3xjstx7tl2szhpr5qe8jj08ydjc4wy2rch2fhuy3pdfjax5awe9j99ly5hkntzz9fe5zatgjvzdd0kgtxs25njnajyf6ssekp7"
        + "gelxquusn4pt25czh3scj68kq79wdn5tgm6yvm9nzavrg043x3msnygf8dweknw5jmqd0uvny6ttsn09508k0c55zfnegrm9efhx"
        + "pfqdkmhh6gjtqmwze9pyyzk3tlhl53k2ykx3qheyty7saeq0d3fzv49zc0k"

    @Test("the specification's example identity derives the specification's recipient")
    func specificationPair() throws {
        let identity = try HybridIdentity(parsing: Self.specIdentity)
        #expect(identity.recipient.encoded == Self.specRecipient)
        #expect(Self.specRecipient.count == 1959)
        #expect(try HybridRecipient(parsing: Self.specRecipient) == identity.recipient)
        #expect(identity.encodedSecretKey().withUnsafeBytes { Array($0) } == Array(Self.specIdentity.utf8))
    }

    @Test("generated identities round-trip through their encodings; 77 and 1,959 characters")
    func roundTrip() throws {
        let identity = HybridIdentity.generate()
        let encoded = identity.encodedSecretKey().withUnsafeBytes { String(decoding: $0, as: UTF8.self) }
        #expect(encoded.hasPrefix("AGE-SECRET-KEY-PQ-1"))
        #expect(encoded.count == 77)
        #expect(try HybridIdentity(parsing: encoded).recipient == identity.recipient)
        #expect(identity.recipient.encoded.hasPrefix("age1pq1"))
        #expect(identity.recipient.encoded.count == 1959)
        #expect(HybridIdentity.generate().recipient != identity.recipient)
        #expect(!String(describing: identity).contains(String(encoded.dropFirst(19).prefix(8))))
    }

    @Test("malformed identities and recipients are refused with the reason, never the key")
    func malformed() {
        let lower = Self.specIdentity.lowercased()
        let error = #expect(throws: ActorKeysError.self) { try HybridIdentity(parsing: lower) }
        #expect(error?.code == .malformedIdentity)
        #expect(error?.message.contains("1xx76") == false)
        // A classic identity is not a post-quantum one, and the other way round.
        let classic = X25519Identity.generate().encodedSecretKey().withUnsafeBytes {
            String(decoding: $0, as: UTF8.self)
        }
        #expect(throws: ActorKeysError.self) { try HybridIdentity(parsing: classic) }
        #expect(throws: ActorKeysError.self) { try X25519Identity(parsing: Self.specIdentity) }
        #expect(throws: ActorKeysError.self) { try HybridRecipient(parsing: Self.specRecipient.uppercased()) }
        #expect(throws: ActorKeysError.self) { try HybridRecipient(parsing: String(Self.specRecipient.dropLast())) }
        #expect(throws: ActorKeysError.self) { try X25519Recipient(parsing: Self.specRecipient) }
        // The X25519 recipient of the spec under the post-quantum prefix: right checksum, wrong length.
        let short = String(
            decoding: [UInt8](repeating: 7, count: 32).withUnsafeBytes {
                Bech32.encode(hrp: "age1pq", data: $0, uppercase: false)
            }, as: UTF8.self)
        let wrongLength = #expect(throws: ActorKeysError.self) { try HybridRecipient(parsing: short) }
        #expect(wrongLength?.message.hasSuffix("wrong key length") == true)
        // The right length, but ML-KEM coefficients out of range: refused when parsed, as age does.
        let outOfRange = String(
            decoding: [UInt8](repeating: 0xFF, count: 1216).withUnsafeBytes {
                Bech32.encode(hrp: "age1pq", data: $0, uppercase: false)
            }, as: UTF8.self)
        let invalid = #expect(throws: ActorKeysError.self) { try HybridRecipient(parsing: outOfRange) }
        #expect(invalid?.message.hasSuffix("invalid ML-KEM-768 key") == true)
        #expect(throws: ActorKeysError.self) { try RecipientsFile.parse("# one bad\n" + outOfRange) }
    }

    @Test("AgeIdentity and AgeRecipient pick the type by prefix; identity files hold both")
    func eitherType() throws {
        let classic = X25519Identity.generate()
        let hybrid = try HybridIdentity(parsing: Self.specIdentity)
        let classicLine = classic.encodedSecretKey().withUnsafeBytes { String(decoding: $0, as: UTF8.self) }
        let text = "# two kinds\n" + classicLine + "\n" + Self.specIdentity + "\n"
        let identities = try Array(text.utf8).withUnsafeBytes { try IdentityFile.parse($0) }
        #expect(identities.map(\.recipient) == [.x25519(classic.recipient), .hybrid(hybrid.recipient)])
        #expect(identities.map(\.kind) == [.x25519, .hybrid])
        #expect(identities.map(\.kind.isPostQuantum) == [false, true])
        #expect(try AgeRecipient(parsing: Self.specRecipient) == .hybrid(hybrid.recipient))
        #expect(
            try RecipientsFile.parse(classic.recipient.encoded + "\n" + Self.specRecipient) == [
                .x25519(classic.recipient), .hybrid(hybrid.recipient),
            ])
        #expect(AgeRecipient.hybrid(hybrid.recipient).fingerprint == hybrid.fingerprint)
        let formatted = IdentityFile.format(.hybrid(hybrid)).withUnsafeBytes { String(decoding: $0, as: UTF8.self) }
        let lines = formatted.split(separator: "\n")
        #expect(lines.count == 3)
        #expect(lines[1] == "# public key: " + Self.specRecipient)
        #expect(lines[2] == Self.specIdentity)
    }
}
