import Testing
@testable import Host

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
}
