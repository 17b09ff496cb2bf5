import Engine
import EngineCore
import Foundation
import Hummingbird
import LiveOps
import Rooms

/// Activities (live list, published odds, leaderboards, wheel spins), tasks (progress and
/// claims) and the caller's inventory of badges and items.
struct LiveOpsRoutes: RouteArea {
    let activities: Activities
    let tasks: Tasks
    let clock: any WallClock
    /// What members show next to their rank (badges, worn medals, VIP).
    let privileges: Privileges

    /// A board page with what each member shows (only members that show something).
    struct ShownPage: Encodable {
        let page: Activities.Page
        let shows: [String: EntryPrivileges]
        enum CodingKeys: String, CodingKey { case shows }
        func encode(to encoder: any Encoder) throws {
            try page.encode(to: encoder)
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(shows, forKey: .shows)
        }
    }

    struct Spin: StrictDecodable {
        static let allowedKeys: Set<String> = ["idempotency_key"]
        let idempotencyKey: String
        enum CodingKeys: String, CodingKey { case idempotencyKey = "idempotency_key" }
    }

    struct Claim: StrictDecodable {
        static let allowedKeys: Set<String> = ["stage"]
        let stage: Int
    }

    struct ActivityList: Encodable { let activities: [Activities.Summary] }
    struct TaskList: Encodable { let tasks: [TaskStatus] }

    func addRoutes(to routes: AppRoutes) {
        routes.authenticated.get("activities") { _, context in
            let me = try context.requirePrincipal()
            return try JSONBody.response(ActivityList(activities: activities.live(user: me.userID, now: clock.nowMillis())))
        }
        routes.authenticated.get("activities/:id") { _, context in
            let id = try context.parameters.require("id")
            return try JSONBody.response(try activities.detail(id, now: clock.nowMillis()))
        }
        routes.authenticated.get("activities/:id/leaderboards/:board") { request, context in
            let id = try context.parameters.require("id")
            let board = try context.parameters.require("board")
            let q = request.uri.queryParameters
            let limit = try q.limit(default: 10)
            let period = q.get("period").flatMap { $0.isEmpty ? nil : $0 }
            let around = q.get("around").flatMap { $0.isEmpty ? nil : $0 }
            let page = try activities.page(id, board: board, period: period, limit: limit, around: around, now: clock.nowMillis())
            var shows: [String: EntryPrivileges] = [:]
            for row in page.rows where shows[row.entry.member] == nil {
                let shown = await privileges.shown(user: row.entry.member, streamer: nil)
                if !shown.isEmpty { shows[row.entry.member] = shown }
            }
            return try JSONBody.response(ShownPage(page: page, shows: shows))
        }
        routes.authenticated.post("activities/:id/wheels/:wheel/spin") { request, context in
            let me = try context.requirePrincipal()
            let id = try context.parameters.require("id")
            let wheel = try context.parameters.require("wheel")
            let s = try await request.decodeStrict(as: Spin.self, context: context)
            return try JSONBody.response(try await activities.spin(
                user: me.userID, activity: id, wheel: wheel, idempotencyKey: s.idempotencyKey, now: clock.nowMillis()))
        }
        routes.authenticated.get("tasks") { _, context in
            let me = try context.requirePrincipal()
            return try JSONBody.response(TaskList(tasks: try await tasks.list(user: me.userID)))
        }
        routes.authenticated.post("tasks/:id/claim") { request, context in
            let me = try context.requirePrincipal()
            let id = try context.parameters.require("id")
            let c = try await request.decodeStrict(as: Claim.self, context: context)
            return try JSONBody.response(try await tasks.claim(user: me.userID, taskID: id, stage: c.stage))
        }
        routes.authenticated.get("inventory") { _, context in
            let me = try context.requirePrincipal()
            let user = me.userID
            return try JSONBody.response(try await tasks.store.read { tx in try tx.inventory(user: user) })
        }
    }
}
