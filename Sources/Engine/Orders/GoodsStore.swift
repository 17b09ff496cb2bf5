/// Where streamers' goods and the operator's goods review are kept.
///
/// A store at the level of a transaction (`docs/architecture.md`, the storage seam): a change
/// reads the good and the review, decides, and writes the good (and, on patrol, a notice to its
/// streamer) in one transaction, so the store hands the domain a `GoodsTransaction`.
///
/// For implementers: `write` runs `body` in one write transaction, serialized with every other
/// write, and commits only when it returns; a throw rolls everything back, journal facts
/// included. `read` runs `body` on a consistent snapshot (its writing methods throw). Every
/// backend runs `GoodsStoreConformanceTests`.
public protocol GoodsStore: Sendable {
    func write<T: Sendable>(_ body: @escaping @Sendable (any GoodsTransaction) throws -> T) async throws -> T
    func read<T: Sendable>(_ body: @escaping @Sendable (any GoodsTransaction) throws -> T) async throws -> T
}

/// Which goods a read lists.
public enum GoodsQuery: Sendable, Equatable {
    /// A streamer's listed public goods (no private offers), newest first.
    case listedPublic(streamerID: String)
    /// Listed private offers to a viewer whose offer ends after `activeAt`, newest first.
    case offers(viewerID: String, activeAt: Int64)
    /// A streamer's goods in every state, newest first.
    case ofStreamer(streamerID: String)
    /// Goods waiting for an operator, oldest first, at most `limit`.
    case inReview(limit: Int)
    /// Every listed good, oldest first.
    case listed
}

/// The goods tables as one transaction sees them.
///
/// For implementers: a new good starts at version 1 without a reason; `replace` clears the
/// reason; `replace` and `changeState` bump the version. `rescore` changes the score and terms
/// only (no version, no time). Ids increase.
public protocol GoodsTransaction {
    /// The stored word list and thresholds; nil before the first is set.
    func reviewSettings() throws -> GoodsReviewSettings?
    /// Replaces the word list and thresholds.
    func saveReviewSettings(_ settings: GoodsReviewSettings, by operatorID: String, at now: Int64) throws
    /// One good.
    func goods(id: Int64) throws -> Goods?
    /// The goods `query` names, in its order.
    func goods(_ query: GoodsQuery) throws -> [Goods]
    /// How many goods of the streamer are not delisted.
    func openCount(streamerID: String) throws -> Int
    /// Stores a new good; answers it.
    func insert(streamerID: String, _ edit: GoodsEdit, state: Goods.State, score: Int64, matched: [String], at now: Int64) throws -> Goods
    /// Replaces a good's edit and review; answers it.
    func replace(id: Int64, _ edit: GoodsEdit, state: Goods.State, score: Int64, matched: [String], at now: Int64) throws -> Goods
    /// A new score for a good, its state unchanged.
    func rescore(id: Int64, score: Int64, matched: [String]) throws
    /// A good's new state with its reason (and, when given, its score and terms); answers it.
    func changeState(id: Int64, to state: Goods.State, reason: String?, score: (Int64, [String])?, at now: Int64) throws -> Goods
    /// Appends a journal fact in this transaction.
    func journal(type: String, payload: some Encodable & Sendable, at now: Int64) throws
}
