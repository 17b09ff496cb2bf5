import Books
import Engine
import EngineCore
import Foundation
import Scripting
import Storage

/// What `EngineParts.open` builds an engine from. The server takes the defaults with its flags;
/// script tests, what-if replay and crash tests change what they need (a throwaway store, a fake
/// clock, one attempt per event, which consumers run) and otherwise get the server's wiring.
public struct EngineOptions: Sendable {
    /// Which journal consumers the engine runs.
    public enum Consumers: Sendable {
        /// Gift steps, room events, activities and tasks: what a server runs.
        case all
        /// Activities and tasks only (what-if replay recomputes live operations, nothing else).
        case liveOps
        /// Gift steps only (the money crash tests).
        case giftSteps
    }

    public var databasePath: String
    public var scriptsPath: String
    public var synchronous: StoreConfiguration.Synchronous = .full
    /// Nice levels the store's writer is raised by while it holds a batch (`StoreConfiguration`).
    public var writerPriorityBoost = StoreConfiguration.writerPriorityBoostDefault
    /// Gift keys the writer holds before it indexes them (`StoreConfiguration.giftKeysFlushAt`).
    public var giftKeysFlushAt = StoreConfiguration.giftKeysFlushAtDefault
    /// Whether the writer and the WAL's sync work on cores of their own (`StoreConfiguration.pinsCores`).
    public var pinsCores = false
    public var limits = ScriptLimits()
    /// The payment callback secret (the command line checks its length).
    public var paymentSecret = TopUps.developmentSecret
    public var ledgerConfiguration: LedgerConfiguration = .standard
    public var calendar = OperationsCalendar()
    /// The money's and the scripts' wall clock (ledger time and expiry, sends, refunds,
    /// top-ups, rooms, gift edits, `ctx.now`), so tests pin time with one clock.
    public var clock: any WallClock = SystemWallClock()
    /// How long a released vanity room number waits before any room may get it again, in
    /// milliseconds on `clock` (30 days by default; 0...`RoomNumbers.coolDownMillisMax`).
    public var roomNumberCoolDownMillis = RoomNumbers.coolDownMillisDefault
    /// The `order_machine` script new "help me play" orders run on.
    public var orderMachineID = "help-me-play"
    /// Whether script generations are archived in the store (for rollback across restarts).
    public var archivesGenerations = true
    public var consumers = Consumers.all
    /// Wraps each consumer before it is handed to the runner (crash tests inject faults).
    public var wrapConsumer: (@Sendable (any JournalConsumer) -> any JournalConsumer)?
    /// Attempts before an event is parked (nil: the runner's default).
    public var consumerAttemptsMax: Int?
    /// Entries a consumer batch reads at most (nil: the runner's default).
    public var consumerBatchSize: Int?
    /// How long one transaction of a consumer that widens its batches (the live-ops and
    /// earnings consumers) goes on reading pages while it is behind (nil: the runner's 100 ms).
    public var consumerCheckpointInterval: Duration?
    /// The same for a consumer catching up, whose last such transaction ended behind: off the
    /// writer only (`ConsumerRunner.catchUpCheckpointInterval`; nil: the larger of 1 s and
    /// `consumerCheckpointInterval`).
    public var consumerCatchUpCheckpointInterval: Duration?
    /// Most entries in such a wide transaction (nil: the runner's 65,536).
    public var consumerWideBatchEntriesMax: Int?
    /// How often idle consumers look for new entries.
    public var consumerPollInterval: Duration = .milliseconds(200)
    /// The least time between the starts of one consumer's batches while it follows the
    /// journal (`ConsumerRunner.batchSpacing`; nil: the runner's default, 20 ms).
    public var consumerBatchSpacing: Duration?
    /// The same for `bulk` consumers (`ConsumerRunner.bulkBatchSpacing`; nil: the runner's
    /// default, 100 ms): task progress, activity boards, earnings, account history.
    public var consumerBulkBatchSpacing: Duration?
    /// Most consumers preparing off the writer at once while following the journal
    /// (`ConsumerRunner.preparesMax`; nil: the runner's default, one fewer than the cores).
    public var consumerPreparesMax: Int?
    /// Whether the activity and task consumers run their handlers off the writer
    /// (`ConsumerRunner.offWriter`; true by default).
    public var consumersOffWriter = true

    /// - Parameters: databasePath: the SQLite file (created and migrated if needed);
    ///   scriptsPath: the scripts folder.
    public init(databasePath: String, scriptsPath: String) {
        self.databasePath = databasePath
        self.scriptsPath = scriptsPath
    }
}
