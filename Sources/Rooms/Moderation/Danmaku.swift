
/// How a danmaku is displayed.
public enum DanmakuMode: String, Sendable, Codable, CaseIterable {
    /// Scrolls across the video (the default).
    case scroll
    /// Pinned at the top.
    case top
    /// Pinned at the bottom.
    case bottom
}

/// A danmaku as a client sends it.
public struct DanmakuDraft: Sendable, Equatable {
    /// The text, 1...`textLengthMax` characters.
    public var text: String
    /// Display mode; `scroll` when absent.
    public var mode: DanmakuMode
    /// `#rrggbb`; white when absent.
    public var color: String

    /// - Parameters: text; mode (scroll); color (`#ffffff`).
    public init(text: String, mode: DanmakuMode = .scroll, color: String = "#ffffff") {
        self.text = text
        self.mode = mode
        self.color = color
    }

    /// Whether `color` is `#` and six hex digits.
    public static func isValidColor(_ color: String) -> Bool {
        let bytes = Array(color.utf8)
        return bytes.count == 7 && bytes[0] == UInt8(ascii: "#") && bytes.dropFirst().allSatisfy {
            (0x30...0x39).contains($0) || (0x61...0x66).contains($0) || (0x41...0x46).contains($0)
        }
    }
}

/// An accepted danmaku: the `data` of its room event and the payload of its journal entry.
public struct Danmaku: Sendable, Codable, Equatable {
    /// Journal offset of the entry: the danmaku's durable id, and the cursor of the log route.
    public var id: Int64
    /// The room.
    public var room: String
    /// The sender.
    public var userID: String
    /// The text as broadcast (after masking).
    public var text: String
    /// Display mode.
    public var mode: DanmakuMode
    /// `#rrggbb`.
    public var color: String
    /// Review score the filter gave it.
    public var score: Int
    /// Acceptance time, milliseconds since the Unix epoch.
    public var at: Int64
    /// What the sender shows (badge, worn medal, guard, VIP); absent when nothing.
    public var shows: EntryPrivileges?
    /// True for a message held for review and approved later (delivered late); absent otherwise.
    public var reviewed: Bool?

    /// Memberwise. - Parameters: see the properties.
    package init(
        id: Int64, room: String, userID: String, text: String, mode: DanmakuMode, color: String, score: Int, at: Int64,
        shows: EntryPrivileges? = nil, reviewed: Bool? = nil
    ) {
        self.id = id
        self.room = room
        self.userID = userID
        self.text = text
        self.mode = mode
        self.color = color
        self.score = score
        self.at = at
        self.shows = shows
        self.reviewed = reviewed
    }

    enum CodingKeys: String, CodingKey {
        case id, room, text, mode, color, score, at, shows, reviewed
        case userID = "user_id"
    }
}
