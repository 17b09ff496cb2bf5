extension Ledger {
    /// Checks the shape of a chain before any database work: everything that does not depend
    /// on ledger state.
    /// - Throws: `LedgerError` with an input reason (`invalid_*`, `unknown_asset`, `same_account`).
    func validate(_ chain: [LedgerOperation]) throws {
        guard !chain.isEmpty, chain.count <= configuration.chainMax else {
            throw LedgerError(.invalidChain, "a chain holds 1-\(configuration.chainMax) operations, got \(chain.count)")
        }
        guard Set(chain.map(\.id)).count == chain.count else {
            throw LedgerError(.invalidChain, "every operation of a chain needs its own id")
        }
        for operation in chain {
            try Self.validateID(operation.id)
            switch operation {
            case .transfer(let request): try validate(request)
            case .pending(let request, let timeout):
                try validate(request)
                guard (1...configuration.pendingTimeoutMillisMax).contains(timeout) else {
                    throw LedgerError(.invalidTimeout, "timeout must be 1-\(configuration.pendingTimeoutMillisMax) ms, got \(timeout)")
                }
            case .post(_, let pendingID, let amount):
                try Self.validateID(pendingID, allowReserved: true)
                if let amount, amount <= 0 { throw LedgerError.invalidAmount(amount) }
            case .void(_, let pendingID): try Self.validateID(pendingID, allowReserved: true)
            case .reverse(_, let transferID, let reason):
                try Self.validateID(transferID, allowReserved: true)
                try Self.validateMemo(reason)
            }
        }
    }

    private func validate(_ request: TransferRequest) throws {
        guard request.amount > 0 else { throw LedgerError.invalidAmount(request.amount) }
        guard configuration.knows(request.asset) else { throw LedgerError.unknownAsset(request.asset) }
        for account in [request.debit, request.credit] {
            try account.validateOwner()
            guard account.asset == request.asset else {
                throw AccountID.invalid(account.description, "holds \(account.asset.prefix(64)), not \(request.asset)")
            }
        }
        guard request.debit != request.credit else {
            throw LedgerError(.sameAccount, "debit and credit are the same account \(request.debit)")
        }
        guard LedgerConfiguration.isWellFormed(request.code) else {
            throw LedgerError(.invalidCode, "code must match ^[a-z][a-z0-9_]{0,31}$, got '\(request.code.prefix(64))'")
        }
        try Self.validateMemo(request.memo)
    }

    /// Checks an idempotency key: 1-128 bytes of printable ASCII; `~` first is the ledger's own.
    static func validateID(_ id: String, allowReserved: Bool = false) throws {
        let bytes = Array(id.utf8)
        guard let first = bytes.first, bytes.count <= TransferRequest.idBytesMax,
            bytes.allSatisfy({ (0x21...0x7E).contains($0) }), allowReserved || first != UInt8(ascii: "~")
        else {
            throw LedgerError(
                .invalidIdempotencyKey,
                "id must be 1-\(TransferRequest.idBytesMax) bytes of printable ASCII without spaces, not starting with '~'")
        }
    }

    static func validateMemo(_ memo: String) throws {
        guard memo.utf8.count <= TransferRequest.memoBytesMax else {
            throw LedgerError(.invalidMemo, "memo must be at most \(TransferRequest.memoBytesMax) bytes, got \(memo.utf8.count)")
        }
    }
}
