import Engine
import EngineCore
import Hummingbird

/// Guilds and their contracts: staff read them (`GET /v1/admin/guilds`, `.../{id}`), admins
/// write them (`POST /v1/admin/guilds`, `PUT .../{id}`, `POST .../{id}/members`,
/// `PUT .../{id}/members/{streamer}` to end a contract).
struct GuildRoutes: RouteArea {
    let guilds: Guilds

    struct GuildList: Encodable {
        let guilds: [Guild]
    }

    /// The caller, who must be an admin (settlement and guild contracts are admin work).
    static func admin(_ context: AppRequestContext) throws -> String {
        let me = try context.requirePrincipal()
        guard me.role == .admin else { throw RequestError("admin_only", .forbidden, "only admins change guilds and settlement") }
        return me.userID
    }

    static func guildID(_ context: AppRequestContext) throws -> String {
        let id = try context.parameters.require("id")
        guard Principal.isValidUserID(id) else { throw RequestError("invalid_id", .badRequest, "id: not a guild id") }
        return id
    }

    func addRoutes(to routes: AppRoutes) {
        routes.staff.get("guilds") { _, _ in
            try JSONBody.response(GuildList(guilds: try await guilds.list()))
        }
        routes.staff.get("guilds/:id") { _, context in
            try JSONBody.response(try await guilds.detail(id: try Self.guildID(context)))
        }
        routes.staff.post("guilds") { request, context in
            _ = try Self.admin(context)
            let body = try await request.decodeStrict(as: GuildEdit.self, context: context)
            return try JSONBody.response(try await guilds.create(body), status: .created)
        }
        routes.staff.put("guilds/:id") { request, context in
            _ = try Self.admin(context)
            let id = try Self.guildID(context)
            let body = try await request.decodeStrict(as: GuildEdit.self, context: context)
            return try JSONBody.response(try await guilds.update(id: id, body))
        }
        routes.staff.post("guilds/:id/members") { request, context in
            let me = try Self.admin(context)
            let id = try Self.guildID(context)
            let body = try await request.decodeStrict(as: GuildContractRequest.self, context: context)
            return try JSONBody.response(try await guilds.sign(guild: id, body, by: me), status: .created)
        }
        routes.staff.put("guilds/:id/members/:streamer") { request, context in
            _ = try Self.admin(context)
            let id = try Self.guildID(context)
            let streamer = try PrivilegeRoutes.userID(try context.parameters.require("streamer"), field: "streamer_id")
            let body = try await request.decodeStrict(as: GuildContractEnd.self, context: context)
            return try JSONBody.response(try await guilds.end(guild: id, streamer: streamer, body))
        }
    }
}

extension GuildEdit: StrictDecodable {
    static var allowedKeys: Set<String> { keys }
}

extension GuildContractRequest: StrictDecodable {
    static var allowedKeys: Set<String> { keys }
}

extension GuildContractEnd: StrictDecodable {
    static var allowedKeys: Set<String> { keys }
}
