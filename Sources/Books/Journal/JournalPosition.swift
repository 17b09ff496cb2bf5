/// Where a consumer stands in the journal: done with every fact before `offset`, and with the
/// facts of row `offset` up to `index` (`wholeRow`: all of them). A row of one fact is done
/// with its fact 0; a packed row is read fact by fact.
public struct JournalPosition: Sendable, Hashable, Comparable {
    /// Every fact of the row.
    public static let wholeRow = Int.max
    /// The row.
    public var offset: Int64
    /// The last fact done in the row, or `wholeRow`.
    public var index: Int

    /// - Parameters: offset: the row; index: its last fact done, `wholeRow` by default.
    public init(offset: Int64, index: Int = JournalPosition.wholeRow) {
        self.offset = offset
        self.index = index
    }

    /// Before the first fact of the journal.
    public static let start = JournalPosition(offset: 0)

    public static func < (a: JournalPosition, b: JournalPosition) -> Bool {
        (a.offset, a.index) < (b.offset, b.index)
    }

    /// The offset after which the rows that may hold facts after this position begin: inside
    /// a packed row, that row is read again for its remaining facts.
    package var rowsAfter: Int64 { index == Self.wholeRow ? offset : offset - 1 }

    /// Whether the fact at (`offset`, `index`) comes after this position.
    package func precedes(offset o: Int64, index i: Int) -> Bool {
        o > offset || (o == offset && index != Self.wholeRow && i > index)
    }
}

/// A fact by its row and its place in the row: how failures and parked events name it.
package struct FactKey: Hashable, Sendable {
    package let offset: Int64
    package let index: Int

    package init(offset: Int64, index: Int) {
        self.offset = offset
        self.index = index
    }
}
