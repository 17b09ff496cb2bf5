import Testing
@testable import Host
import Scripting

/// Client frames are read as strictly as request bodies: what Foundation alone would have let
/// through (trailing commas, a key twice, non-integer numbers, control characters) is refused.
@Suite struct ClientFrameTests {
    static let refused: [(frame: String, code: String)] = [
        (#"{"type":"danmaku","text":"hi",}"#, "invalid_json"),
        (#"{"type":"danmaku","text":"hi","text":"there"}"#, "invalid_frame"),
        (#"{"type":"since","epoch":"e","offset":1.0}"#, "invalid_frame"),
        (#"{"type":"since","epoch":"e","offset":1e2}"#, "invalid_frame"),
        (#"{"type":"since","epoch":"e","offset":99999999999999999999}"#, "invalid_frame"),
        (#"{"type":"danmaku","text":"a\u0000b"}"#, "invalid_frame"),
        (#"{"type":"danmaku","text":"a\nb"}"#, "invalid_frame"),
        (#"{"type":"ping"} x"#, "invalid_json"),
        (#"["ping"]"#, "invalid_json"),
    ]

    @Test(arguments: refused.indices)
    func lenientJSONIsRefused(_ index: Int) {
        let (frame, code) = Self.refused[index]
        #expect(throws: ClientFrame.Refusal.self) { try ClientFrame.parse(Array(frame.utf8)) }
        do {
            _ = try ClientFrame.parse(Array(frame.utf8))
        } catch {
            #expect(error.code == code, "\(frame): \(error.message)")
        }
    }

    @Test func validFramesStillParse() throws {
        #expect(try ClientFrame.parse(Array(#"{"type":"ping"}"#.utf8)) == .ping)
        #expect(try ClientFrame.parse(Array(#"{"type":"since","epoch":"e","offset":7}"#.utf8)) == .since(.init(epoch: "e", offset: 7)))
    }

    static func outcome(_ bytes: [UInt8], _ read: ([UInt8]) throws(ClientFrame.Refusal) -> ClientFrame) -> Result<ClientFrame, ClientFrame.Refusal> {
        do { return .success(try read(bytes)) } catch { return .failure(error) }
    }

    @Test("a gift frame as clients send it takes the fast path, and every frame reads as the strict reader reads it")
    func plainGiftReadsAsTheStrictReader() {
        let typical = Array(#"{"type":"gift","gift_id":"rose","count":1,"idempotency_key":"k-1"}"#.utf8)
        #expect(ClientFrame.plainGift(typical) == .init(giftID: "rose", count: 1, idempotencyKey: "k-1"))
        #expect(ClientFrame.plainGift(Array(" {\n \"count\" : 9223372036854775807 ,\"idempotency_key\":\"\",\"gift_id\":\"a b~\",\"type\":\"gift\"}\r\n".utf8))
            == .init(giftID: "a b~", count: Int64.max, idempotencyKey: ""))
        let names = ["type", "gift_id", "count", "idempotency_key"]
        let strings = [
            #""rose""#, #""""#, #""a b""#, #""ü""#, #""a\"b""#, #""a\\b""#, #""\u0000""#, "\"\u{7F}\"", "\"tab\there\"",
            #""x\/y""#, #""\u0072ose""#, "\"" + String(repeating: "k", count: 300) + "\"", "1", "null", #""gift""#, #""ping""#,
        ]
        let types = [#""gift""#, #""gift""#, #""gift""#, #""Gift""#, #""gif""#, #""ping""#, #""g\u0069ft""#, #""gift ""#, "1"]
        let counts = [
            "1", "7", "12", "0", "-1", "-0", "01", "1.0", "1e2", "1E2", "9223372036854775807", "9223372036854775808",
            "99999999999999999999", #""1""#, "true", "null", "2 3",
        ]
        let spaces = ["", "", "", " ", "\n", "\t", "\r\n ", "\u{0B}", "\u{A0}"]
        let extraKeys = ["extra", "Type", "count ", #"gift\u005fid"#, ""]
        // Seeded, so a failure names a case that comes back.
        var rng = SeededRandom(seed: 0x61F7)
        func pick(_ n: Int) -> Int { Int(rng.next(upTo: Int64(n))) }
        func any<T>(_ list: [T]) -> T { list[pick(list.count)] }
        var fast = 0
        for _ in 0..<20_000 {
            var keys = names
            for i in stride(from: keys.count - 1, to: 0, by: -1) { keys.swapAt(i, pick(i + 1)) }
            switch pick(12) {
            case 0: keys.removeLast()
            case 1: keys.append(any(keys))
            case 2: keys.insert(any(extraKeys), at: pick(keys.count + 1))
            default: break
            }
            func space() -> String { pick(4) == 0 ? any(spaces) : "" }
            var text = space() + "{"
            for (n, key) in keys.enumerated() {
                let value: String
                switch key {
                case "type": value = pick(4) == 0 ? any(types) : #""gift""#
                case "count": value = pick(3) == 0 ? any(counts) : String(1 + pick(99))
                default: value = pick(3) == 0 ? any(strings) : "\"k\(pick(1000))\""
                }
                text += (n > 0 ? "," : "") + space() + "\"\(key)\"" + space() + ":" + space() + value + space()
            }
            text += "}" + (pick(20) == 0 ? any(["x", ",", "}", " {}"]) : space())
            let bytes = Array(text.utf8)
            if ClientFrame.plainGift(bytes) != nil { fast += 1 }
            #expect(Self.outcome(bytes, ClientFrame.parse) == Self.outcome(bytes, ClientFrame.parseGeneral), "\(text)")
        }
        // Both readers were tried: about a tenth of the frames are plain gifts (the rest carry at
        // least one oddity), 1,948 with this seed.
        #expect(fast > 1_000 && fast < 10_000, "the fast path read \(fast) frames of 20,000")
    }
}
