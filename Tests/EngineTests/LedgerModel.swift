@testable import Books
@testable import Engine
@testable import Scripting

/// A plain Swift model of the ledger's rules: what every chain should do, and the balances that
/// should result. The property tests compare the real ledger with it after every step.
struct LedgerModel {
    /// An open reservation.
    struct Hold {
        let debit: AccountID
        let credit: AccountID
        let amount: Int64
        /// Due once the wall clock is past this (the tests keep clear of the exact boundary).
        let dueAfterMillis: Int64
    }

    /// A transfer that moved money and may be reversed.
    struct Move {
        let debit: AccountID
        let credit: AccountID
        let amount: Int64
    }

    var balances: [AccountID: Int64] = [:]
    var open: [String: Hold] = [:]
    var closed: Set<String> = []
    var moved: [String: Move] = [:]
    var unmoving: Set<String> = []
    var reversed: Set<String> = []
    var nowMillis: Int64 = 0

    func balance(_ account: AccountID) -> Int64 { balances[account, default: 0] }

    func available(_ account: AccountID) -> Int64 {
        balance(account) - open.values.filter { $0.debit == account && !isDue($0) }.reduce(0) { $0 + $1.amount }
    }

    func isDue(_ hold: Hold) -> Bool { nowMillis > hold.dueAfterMillis }

    /// Applies a chain all-or-nothing; returns the failure reason, or nil on success.
    mutating func apply(_ chain: [LedgerOperation]) -> LedgerError.Reason? {
        var next = self
        for operation in chain {
            if let reason = next.step(operation) { return reason }
        }
        self = next
        return nil
    }

    private mutating func step(_ operation: LedgerOperation) -> LedgerError.Reason? {
        switch operation {
        case .transfer(let request):
            return move(request.id, request.amount, from: request.debit, to: request.credit)
        case .pending(let request, let timeout):
            if !request.debit.mayGoNegative, available(request.debit) < request.amount { return .insufficientFunds }
            open[request.id] = Hold(debit: request.debit, credit: request.credit, amount: request.amount,
                                    dueAfterMillis: nowMillis + timeout)
            unmoving.insert(request.id)
            return nil
        case .post(let id, let pendingID, let amount):
            if let reason = checkOpen(pendingID) { return reason }
            let hold = open[pendingID]!
            if let amount, amount > hold.amount { return .postExceedsPending }
            open[pendingID] = nil
            closed.insert(pendingID)
            return move(id, amount ?? hold.amount, from: hold.debit, to: hold.credit)
        case .void(let id, let pendingID):
            if let reason = checkOpen(pendingID) { return reason }
            open[pendingID] = nil
            closed.insert(pendingID)
            unmoving.insert(id)
            return nil
        case .reverse(let id, let transferID, _):
            guard let original = moved[transferID] else {
                return unmoving.contains(transferID) ? .transferNotReversible : .transferNotFound
            }
            if reversed.contains(transferID) { return .alreadyReversed }
            reversed.insert(transferID)
            return move(id, original.amount, from: original.credit, to: original.debit)
        }
    }

    private func checkOpen(_ pendingID: String) -> LedgerError.Reason? {
        guard let hold = open[pendingID] else {
            return closed.contains(pendingID) ? .pendingAlreadyClosed : .pendingNotFound
        }
        return isDue(hold) ? .pendingExpired : nil
    }

    private mutating func move(_ id: String, _ amount: Int64, from debit: AccountID, to credit: AccountID) -> LedgerError.Reason? {
        if !debit.mayGoNegative, available(debit) < amount { return .insufficientFunds }
        balances[debit, default: 0] -= amount
        balances[credit, default: 0] += amount
        moved[id] = Move(debit: debit, credit: credit, amount: amount)
        return nil
    }
}

/// SplitMix64: a tiny deterministic generator, so a failing seed reproduces.
struct SeededRandom: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
