import ArgumentParser
import Books
import Engine
import EngineCore
import Foundation
import Logging
import Rooms
import Storage

/// `showrunner demo seed --db FILE`: fills a working demo (rooms, streamers, viewers) and prints
/// how to connect. Safe to run again: what exists is kept.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "demo", abstract: "Demo data.", subcommands: [DemoSeedCommand.self])
}

struct DemoSeedCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "seed", abstract: "Create demo rooms, streamers and viewers.")

    @Option(help: "SQLite database file.") var db = "showrunner.sqlite"
    @Option(help: "Port the server will listen on (for the printed examples).") var port = 8080
    @OptionGroup var secretOptions: SecretOptions

    func run() async throws {
        let store = try Store(StoreConfiguration(path: db), logger: Logger(label: "showrunner.demo"))
        let seeded = try await DemoData.seed(store: store)
        let (signer, _) = try secretOptions.makeSigner()
        func token(_ user: String, _ role: Role) throws -> String { try signer.issue(userID: user, role: role, ttl: .seconds(7 * 86_400)) }
        print("demo data in \(db): \(seeded.roomsCreated) rooms created, \(seeded.rooms.count) rooms in total")
        print("")
        print("tokens (valid 7 days):")
        for (user, role) in DemoData.people { print("  \(user) (\(role.rawValue)): \(try token(user, role))") }
        print("")
        let op = try token("ops-1", .operator)
        print("open in a browser:")
        print("  http://localhost:\(port)/console?token=\(op)")
        print("  http://localhost:\(port)/rooms/lobby?token=\(try token("viewer-1", .viewer))")
        print("  http://localhost:\(port)/rooms/lobby?token=\(try token("viewer-2", .viewer))")
        print("")
        print("try:")
        print("  curl -s localhost:\(port)/healthz")
        print("  curl -s -H 'Authorization: Bearer \(try token("viewer-1", .viewer))' localhost:\(port)/v1/rooms/lobby")
        print("  curl -s -H 'Authorization: Bearer \(op)' localhost:\(port)/v1/admin/scripts")
        let v = try token("viewer-1", .viewer)
        print("  curl -s -H 'Authorization: Bearer \(v)' localhost:\(port)/v1/wallet")
        print("  curl -s -H 'Authorization: Bearer \(v)' -d '{\"gift_id\":\"rose\",\"count\":3,\"idempotency_key\":\"k1\"}' localhost:\(port)/v1/rooms/lobby/gifts")
        print("  curl -s -H 'Authorization: Bearer \(v)' localhost:\(port)/v1/streamers/streamer-ava/goods")
        print("  curl -s -H 'Authorization: Bearer \(v)' -d '{\"goods_id\":1,\"idempotency_key\":\"o1\"}' localhost:\(port)/v1/orders")
    }
}

/// The demo's rooms and people. Each later domain adds its catalog here.
enum DemoData {
    static let rooms = [
        NewRoom(id: "lobby", streamerID: "streamer-ava", title: "Ava's lobby", category: "chat"),
        NewRoom(id: "music-1", streamerID: "streamer-bo", title: "Late night piano", category: "music"),
        NewRoom(id: "games-1", streamerID: "streamer-cy", title: "Ranked climb", category: "games"),
    ]
    static let gifts: [(String, GiftEdit)] = [
        ("rose", GiftEdit(name: "Rose", priceCoins: 1)),
        ("ticket-box", GiftEdit(name: "Ticket box", priceCoins: 100, effectAsset: "tickets")),
        ("lucky-star", GiftEdit(name: "Lucky star", priceCoins: 10, comboWindowSeconds: 10)),
        ("rocket", GiftEdit(name: "Rocket", priceCoins: 5_000, comboWindowSeconds: 30)),
    ]
    static let people: [(String, Role)] = [
        ("viewer-1", .viewer), ("viewer-2", .viewer), ("viewer-3", .viewer),
        ("streamer-ava", .streamer), ("streamer-bo", .streamer), ("streamer-cy", .streamer),
        ("ops-1", .operator),
    ]

    /// A VIP line, a guard with three tiers (half to the streamer) and a vehicle.
    static let privilegeProducts: [(String, PrivilegeProductEdit)] = {
        typealias T = PrivilegeProduct.Tier
        typealias P = PrivilegeProduct.Price
        return [
            ("vip", PrivilegeProductEdit(kind: .vip, title: "VIP", priority: 10, tiers: [
                T(id: "silver", title: "Silver", prices: [P(days: 30, coins: 300), P(days: 90, coins: 810)], badge: "vip-silver"),
                T(id: "gold", title: "Gold", prices: [P(days: 30, coins: 900)], badge: "vip-gold", entryEffect: "gold-rain"),
            ])),
            ("guard", PrivilegeProductEdit(kind: .guard, title: "Guard", priority: 100, streamerShareBP: 5_000, tiers: [
                T(id: "captain", title: "Captain", prices: [P(days: 30, coins: 1_980)], badge: "captain"),
                T(id: "admiral", title: "Admiral", prices: [P(days: 30, coins: 19_980)], badge: "admiral", entryEffect: "admiral-fleet"),
                T(id: "governor", title: "Governor", prices: [P(days: 30, coins: 199_800)], badge: "governor", entryEffect: "governor-dragon"),
            ])),
            ("car", PrivilegeProductEdit(kind: .vehicle, title: "Cars", priority: 5, tiers: [
                T(id: "sedan", title: "Sedan", prices: [P(days: 7, coins: 70), P(days: 30, coins: 250)], vehicle: "sedan"),
            ])),
        ]
    }()

    /// Creates what is missing; returns how many rooms were new and every room.
    static func seed(store: Store) async throws -> (roomsCreated: Int, rooms: [Room]) {
        let directory = RoomDirectory(store: SQLiteRoomStore(store))
        var created = 0
        for room in rooms {
            do {
                _ = try await directory.create(room)
                created += 1
            } catch RoomError.alreadyExists { continue }
        }
        let profiles = Profiles(store: SQLiteProfileStore(store))
        for (user, _) in people { _ = try await profiles.ensure(userID: user) }
        let catalog = GiftCatalog(store: SQLiteGiftCatalogStore(store))
        for (id, edit) in gifts where (try? await catalog.gift(id: id)) == nil { _ = try await catalog.put(id: id, edit) }
        let ledger = Ledger(store: store)
        let privileges = Privileges(store: store, ledger: ledger)
        for (id, edit) in privilegeProducts where (try? await privileges.product(id: id)) == nil { _ = try await privileges.put(id: id, edit) }
        for (user, role) in people where role == .viewer {
            _ = try await ledger.transfer([TransferRequest(
                id: "demo-coins:\(user)", debit: .system(.promotions, "coins"), credit: .user(user, "coins"),
                asset: "coins", amount: 10_000, code: "demo", memo: "demo coins")])
            _ = try await ledger.transfer([TransferRequest(
                id: "demo-tickets:\(user)", debit: .system(.promotions, "tickets"), credit: .user(user, "tickets"),
                asset: "tickets", amount: 1_000, code: "demo", memo: "demo tickets")])
        }
        let goods = GoodsCatalog(store: SQLiteGoodsStore(store))
        if try await goods.mine(streamer: "streamer-ava").isEmpty {
            _ = try await goods.create(streamer: "streamer-ava", GoodsEdit(
                title: "Ranked duo", game: "chess", region: "eu", priceTickets: 300, details: "Two ranked games together", stock: 5))
        }
        return (created, try await directory.list(limit: 100))
    }
}
