/// What a ledger holds and how far it lets one request go.
public struct LedgerConfiguration: Sendable {
    /// The assets every ledger has.
    public static let builtInAssets = ["coins", "tickets", "revenue"]
    /// Longest asset id, in bytes.
    public static let assetBytesMax = 32
    /// Most assets an operator may declare beyond the built-ins.
    public static let declaredAssetsMax = 64

    /// Every asset: the built-ins first, then the declared ones in the order given.
    public let assets: [String]
    /// Most operations in one linked chain.
    public let chainMax: Int
    /// Longest pending transfer timeout, in milliseconds.
    public let pendingTimeoutMillisMax: Int64

    /// Creates a configuration.
    /// - Parameters:
    ///   - declaredAssets: operator assets beyond the built-ins, each `^[a-z][a-z0-9_]{0,31}$`,
    ///     at most `declaredAssetsMax`.
    ///   - chainMax: most operations per chain, at least 1 (64 by default).
    ///   - pendingTimeoutMillisMax: longest pending timeout (30 days by default).
    /// - Throws: `LedgerError` `invalid_asset` for a malformed or repeated asset id, or too many.
    public init(
        declaredAssets: [String] = [], chainMax: Int = 64,
        pendingTimeoutMillisMax: Int64 = 30 * 24 * 3600 * 1000
    ) throws {
        precondition(chainMax >= 1, "chainMax must be at least 1")
        precondition(pendingTimeoutMillisMax >= 1, "pendingTimeoutMillisMax must be at least 1")
        guard declaredAssets.count <= Self.declaredAssetsMax else {
            throw LedgerError(.invalidAsset, "at most \(Self.declaredAssetsMax) assets may be declared, not \(declaredAssets.count)")
        }
        var assets = Self.builtInAssets
        for asset in declaredAssets {
            guard Self.isWellFormed(asset) else {
                throw LedgerError(.invalidAsset, "asset id '\(asset.prefix(64))' must match ^[a-z][a-z0-9_]{0,31}$")
            }
            guard !assets.contains(asset) else {
                throw LedgerError(.invalidAsset, "asset '\(asset)' is declared twice or is built in")
            }
            assets.append(asset)
        }
        self.assets = assets
        self.chainMax = chainMax
        self.pendingTimeoutMillisMax = pendingTimeoutMillisMax
    }

    /// The built-in assets only, default limits.
    public static var standard: LedgerConfiguration {
        // Cannot throw: no declared assets.
        try! LedgerConfiguration()
    }

    /// Whether `asset` is one of `assets`.
    public func knows(_ asset: String) -> Bool { assets.contains(asset) }

    static func isWellFormed(_ asset: String) -> Bool {
        let bytes = Array(asset.utf8)
        guard let first = bytes.first, bytes.count <= assetBytesMax, (0x61...0x7A).contains(first) else { return false }
        return bytes.allSatisfy { (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == 0x5F }
    }
}
