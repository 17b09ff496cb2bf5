import EngineCore

/// What a streamer writes for a good (`POST`/`PUT /v1/streamers/me/goods`).
public struct GoodsEdit: Sendable, Codable, Equatable {
    public var title: String
    public var game: String
    /// Server or region played on.
    public var region: String
    public var priceTickets: Int64
    public var details: String
    /// Units left; nil: unlimited.
    public var stock: Int64?
    /// A private offer to one viewer; nil: listed for everyone.
    public var forViewer: String?
    /// A private offer's end, ms since the epoch.
    public var offerExpiresAt: Int64?

    public init(
        title: String, game: String, region: String, priceTickets: Int64, details: String, stock: Int64? = nil, forViewer: String? = nil,
        offerExpiresAt: Int64? = nil
    ) {
        self.title = title
        self.game = game
        self.region = region
        self.priceTickets = priceTickets
        self.details = details
        self.stock = stock
        self.forViewer = forViewer
        self.offerExpiresAt = offerExpiresAt
    }

    public static let keys: Set<String> = ["title", "game", "region", "price_tickets", "details", "stock", "for_viewer", "offer_expires_at"]

    enum CodingKeys: String, CodingKey {
        case title, game, region, details, stock
        case priceTickets = "price_tickets"
        case forViewer = "for_viewer"
        case offerExpiresAt = "offer_expires_at"
    }

    /// Limits.
    public static let priceTicketsMax: Int64 = 1_000_000
    public static let stockMax: Int64 = 1_000_000
    public static let detailsBytesMax = 2_000

    /// The text the review scores.
    var reviewed: String { [title, game, region, details].joined(separator: "\n") }

    /// - Throws: `RequestError` 400 naming the field.
    func validate(streamer: String, now: Int64) throws(RequestError) {
        func line(_ s: String, _ field: String, _ max: Int) throws(RequestError) {
            guard (1...max).contains(s.utf8.count), s.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value != 0x7F }) else {
                throw RequestError("invalid_\(field)", .badRequest, "\(field): 1-\(max) bytes without control characters")
            }
        }
        try line(title, "title", 100)
        try line(game, "game", 40)
        try line(region, "region", 40)
        guard details.utf8.count <= Self.detailsBytesMax,
            details.unicodeScalars.allSatisfy({ ($0.value >= 0x20 && $0.value != 0x7F) || $0 == "\n" })
        else { throw RequestError("invalid_details", .badRequest, "details: at most \(Self.detailsBytesMax) bytes, no control characters but newlines") }
        guard (1...Self.priceTicketsMax).contains(priceTickets) else {
            throw RequestError("invalid_price_tickets", .badRequest, "price_tickets: 1...\(Self.priceTicketsMax)")
        }
        if let stock, !(0...Self.stockMax).contains(stock) { throw RequestError("invalid_stock", .badRequest, "stock: 0...\(Self.stockMax)") }
        switch (forViewer, offerExpiresAt) {
        case (nil, nil): break
        case (nil, .some): throw RequestError("invalid_offer_expires_at", .badRequest, "offer_expires_at: only for a private offer (for_viewer)")
        case (let viewer?, let end):
            guard Principal.isValidUserID(viewer), viewer != streamer else {
                throw RequestError("invalid_for_viewer", .badRequest, "for_viewer: a user id other than the streamer's")
            }
            guard let end, end > now else {
                throw RequestError("invalid_offer_expires_at", .badRequest, "offer_expires_at: a private offer ends after now")
            }
        }
    }
}

/// A good as stored: the streamer's edit, its review state and score.
public struct Goods: Sendable, Codable, Equatable {
    /// Review states: a draft (not reviewed, not listed), waiting for an operator, listed,
    /// refused by an operator, taken off.
    public enum State: String, Sendable, Codable {
        case draft
        case inReview = "in_review"
        case listed, rejected, delisted
    }

    public var id: Int64
    public var streamerID: String
    public var goods: GoodsEdit
    public var state: State
    /// The review's score and the terms that made it.
    public var score: Int64
    public var matched: [String]
    /// Why an operator rejected it or why it was delisted.
    public var reason: String?
    public var version: Int64
    public var createdAt: Int64
    public var updatedAt: Int64

    package init(
        id: Int64, streamerID: String, goods: GoodsEdit, state: State, score: Int64, matched: [String],
        reason: String? = nil, version: Int64, createdAt: Int64, updatedAt: Int64
    ) {
        self.id = id
        self.streamerID = streamerID
        self.goods = goods
        self.state = state
        self.score = score
        self.matched = matched
        self.reason = reason
        self.version = version
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    enum CodingKeys: String, CodingKey {
        case id, goods, state, score, matched, reason, version
        case streamerID = "streamer_id"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }
}

/// One weighted term of the goods review.
public struct GoodsWord: Sendable, Codable, Equatable, Hashable {
    public var word: String
    public var weight: Int64
    public init(word: String, weight: Int64) {
        self.word = word
        self.weight = weight
    }
}

/// The review's word list and thresholds (`PUT /v1/admin/goods/words`).
public struct GoodsReviewSettings: Sendable, Codable, Equatable {
    public var words: [GoodsWord]
    /// A score at or above it is refused (and delists a listed good on patrol).
    public var rejectThreshold: Int64
    /// A score at or above it (and below the reject threshold) waits for an operator.
    public var reviewThreshold: Int64

    public init(words: [GoodsWord], rejectThreshold: Int64, reviewThreshold: Int64) {
        self.words = words
        self.rejectThreshold = rejectThreshold
        self.reviewThreshold = reviewThreshold
    }

    public static let keys: Set<String> = ["words", "reject_threshold", "review_threshold"]
    public static let wordKeys: Set<String> = ["word", "weight"]
    public static let wordsMax = 10_000
    public static let weightMax: Int64 = 1_000
    public static let thresholdMax: Int64 = 1_000_000
    /// Until an operator sets a list: nothing is scored, everything is listed.
    public static let initial = GoodsReviewSettings(words: [], rejectThreshold: 100, reviewThreshold: 30)

    enum CodingKeys: String, CodingKey {
        case words
        case rejectThreshold = "reject_threshold"
        case reviewThreshold = "review_threshold"
    }
}

/// What a word-list change did: every listed good scored again, the violating ones delisted.
public struct GoodsPatrol: Sendable, Codable, Equatable {
    public var rescored: Int
    public var delisted: [Int64]
}
