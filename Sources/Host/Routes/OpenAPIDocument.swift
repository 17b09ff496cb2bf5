// Generated from docs/openapi.yaml by `make openapi`: edit the YAML, then run it.
// OpenAPITests fails while this copy differs from the YAML.

/// The OpenAPI document served at `GET /openapi.yaml`.
enum OpenAPIDocument {
    /// docs/openapi.yaml, byte for byte.
    static let text = #"""
openapi: 3.1.0
info:
  title: Showrunner HTTP API
  version: 0.1.0
  summary: Live operations of a livestreaming platform - rooms, money, gifts, activities, tasks, realtime.
  description: |
    Every HTTP route of `showrunner serve`. The WebSocket protocol spoken after the upgrade of
    `GET /v1/rooms/{room}/ws` is described in `docs/protocol.md`.

    Authentication: `/v1/...` routes take a bearer token (`Authorization: Bearer <token>`, minted by
    `showrunner token issue`); any role may call them unless a route says otherwise.
    `/v1/admin/...` routes need the `operator` or `admin` role: another role is 403 `forbidden`.
    A missing, malformed, tampered or expired token is 401 (`missing_token`, `malformed_token`,
    `bad_signature`, `token_expired`) with `WWW-Authenticate: Bearer`. Public routes: `/healthz`,
    `/metrics`, `/openapi.yaml`, the payment callback and the partner API `/v1/partner/...`
    (HMAC-signed instead) and the WebSocket URL (anonymous watchers allowed).

    Errors: every failure is JSON `{"error": code, "message": text}` (schema `Error`); the codes each
    route can answer are listed in its description. A path that matches no route is 404
    `not_found`. When the server holds as many connections as it may (`serve
    --connections-max`), a new connection is answered 503 `too_many_connections` and closed,
    whatever the route.

    Request bodies are read strictly, and each refusal is 400 on every route with a body: text
    that is not one JSON object in exact RFC 8259 syntax, or nested deeper than 32
    (`malformed_json`); a key twice in one object (`duplicate_field`); a top-level field the route
    does not take (`unknown_field`); a missing, null or mistyped field, a number with a fraction or
    an exponent or outside Int64, or text holding U+0000-U+001F or U+007F (`invalid_field`). A
    body over the server's `--body-bytes-max` (64 KiB by default) is 413 `payload_too_large`.

    Lengths: where a description says bytes, the server counts UTF-8 bytes; `maxLength` counts
    characters, so for non-ASCII text the byte limit is the one that applies.

    Examples use the demo data of `showrunner demo seed` (rooms `lobby`, `music-1`, `games-1`;
    gifts `rose`, `ticket-box`, `lucky-star`, `rocket`; users `viewer-1`..`viewer-3`,
    `streamer-ava`, `streamer-bo`, `streamer-cy`, `ops-1`; privilege products `vip`, `guard`, `car`) and the bundled `Scripts/`
    (activities `lucky-wheel`, `spring-gala`, `treasure-chest`; tasks `daily-gifts`,
    `daily-danmaku`, `daily-watch`, `gift-levels`, `newbie-gifts`).
servers:
  - url: /
security:
  - bearerAuth: []
tags:
  - name: service
  - name: session
  - name: rooms
  - name: realtime
  - name: gifts
  - name: wallet
  - name: payments
  - name: admin money
  - name: journal
  - name: scripts
  - name: live ops
  - name: privileges
  - name: queues
  - name: orders
  - name: partners
  - name: settlement
  - name: jobs
paths:
  /healthz:
    get:
      operationId: health
      tags: [service]
      summary: Liveness and version.
      description: >-
        503 `store_failed` once the store no longer answers writes as durable (an `fdatasync` of
        its write-ahead log failed): every write is refused until the server restarts and its
        recovery has read the log, so a supervisor's probe should restart it.
      security: []
      responses:
        '200':
          description: The server is up.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Health'}
        '503': {$ref: '#/components/responses/Unavailable'}
  /metrics:
    get:
      operationId: metrics
      tags: [service]
      summary: Prometheus metrics (text exposition format 0.0.4).
      security: []
      responses:
        '200':
          description: Counters, gauges and histograms of the process.
          content:
            text/plain:
              schema: {type: string}
  /openapi.yaml:
    get:
      operationId: openapi
      tags: [service]
      summary: This document.
      security: []
      responses:
        '200':
          description: The OpenAPI document the server was built with.
          content:
            application/yaml:
              schema: {type: string}
  /v1/whoami:
    get:
      operationId: whoami
      tags: [session]
      summary: Who the token speaks for.
      responses:
        '200':
          description: The caller.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/WhoAmI'}
        '401': {$ref: '#/components/responses/Unauthorized'}
  /v1/admin/ping:
    get:
      operationId: adminPing
      tags: [session]
      summary: Proves the role check (operator, admin).
      responses:
        '200':
          description: The caller is staff.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Pong'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '403': {$ref: '#/components/responses/Forbidden'}
  /v1/admin/rooms:
    post:
      operationId: createRoom
      tags: [rooms]
      summary: Create a room (operator, admin).
      description: |
        Errors: 400 `invalid_room_id`, `invalid_streamer_id`, `invalid_title`, `invalid_category`
        and the body errors; 409 `room_exists`, `number_taken` (the id is a vanity number another
        room holds).
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/CreateRoom'}
      responses:
        '201':
          description: The room created.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Room'}
        '400': {$ref: '#/components/responses/BadRequest'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '403': {$ref: '#/components/responses/Forbidden'}
        '409': {$ref: '#/components/responses/Conflict'}
        '413': {$ref: '#/components/responses/PayloadTooLarge'}
  /v1/rooms/{room}:
    get:
      operationId: getRoom
      tags: [rooms]
      summary: One room, with its vanity number (null when it has none).
      description: 'Errors: 404 `room_not_found`.'
      parameters:
        - $ref: '#/components/parameters/Room'
      responses:
        '200':
          description: The room.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Room'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '404': {$ref: '#/components/responses/NotFound'}
  /v1/admin/rooms/{room}/number:
    put:
      operationId: assignRoomNumber
      tags: [rooms]
      summary: Give the room a vanity number (operator, admin); journals `room_number_assigned`.
      description: |
        Assigning a room the number it holds changes nothing. A room holding another number has it
        released first (journaled `room_number_released`, its cool-down starts). A listing of the
        number ends. A released number cools down (30 days by default) for every room, the one
        that released it included; at the end of the cool-down it is free.
        Errors: 400 `invalid_number` and the body errors; 404 `room_not_found`; 409 `number_taken`
        (another room holds it, or has it as its id), `number_cooling_down` (the message gives when
        it frees, in ms since the epoch).
      parameters:
        - $ref: '#/components/parameters/Room'
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/AssignRoomNumber'}
      responses:
        '200':
          description: The number, held by the room.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/RoomNumber'}
        '400': {$ref: '#/components/responses/BadRequest'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '403': {$ref: '#/components/responses/Forbidden'}
        '404': {$ref: '#/components/responses/NotFound'}
        '409': {$ref: '#/components/responses/Conflict'}
        '413': {$ref: '#/components/responses/PayloadTooLarge'}
    delete:
      operationId: releaseRoomNumber
      tags: [rooms]
      summary: Release the room's vanity number (operator, admin); journals `room_number_released`.
      description: 'Its cool-down starts now. Errors: 404 `room_not_found`, `room_number_not_found` (the room holds none).'
      parameters:
        - $ref: '#/components/parameters/Room'
      responses:
        '200':
          description: The release.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/RoomNumberRelease'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '403': {$ref: '#/components/responses/Forbidden'}
        '404': {$ref: '#/components/responses/NotFound'}
  /v1/admin/room-numbers:
    get:
      operationId: listRoomNumbers
      tags: [rooms]
      summary: Every vanity number held, cooling down or listed for sale, in numeric order (operator, admin).
      description: 'Errors: 400 `invalid_limit`, `invalid_after`.'
      parameters:
        - name: limit
          in: query
          schema: {type: integer, minimum: 1, maximum: 500, default: 100}
        - name: after
          in: query
          description: The last number of the previous page (its `next`).
          schema: {type: string}
      responses:
        '200':
          description: A page of numbers.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/RoomNumberList'}
        '400': {$ref: '#/components/responses/BadRequest'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '403': {$ref: '#/components/responses/Forbidden'}
  /v1/admin/room-numbers/{number}:
    put:
      operationId: listRoomNumberForSale
      tags: [rooms]
      summary: List a vanity number for sale at a price, or change its price (operator, admin); journals `room_number_listed`.
      description: |
        A number cooling down may be listed; it can be bought when the cool-down ends. The same
        price again changes nothing.
        Errors: 400 `invalid_number`, `invalid_price_coins` and the body errors; 409 `number_taken`
        (a room holds it, or has it as its id).
      parameters:
        - $ref: '#/components/parameters/Number'
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/RoomNumberListing'}
      responses:
        '200':
          description: The number, listed.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/RoomNumber'}
        '400': {$ref: '#/components/responses/BadRequest'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '403': {$ref: '#/components/responses/Forbidden'}
        '404': {$ref: '#/components/responses/NotFound'}
        '409': {$ref: '#/components/responses/Conflict'}
        '413': {$ref: '#/components/responses/PayloadTooLarge'}
    delete:
      operationId: unlistRoomNumber
      tags: [rooms]
      summary: Withdraw a number's listing (operator, admin); journals `room_number_unlisted`.
      description: 'Errors: 400 `invalid_number`; 404 `number_not_listed`.'
      parameters:
        - $ref: '#/components/parameters/Number'
      responses:
        '200':
          description: The number, no longer for sale.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/RoomNumber'}
        '400': {$ref: '#/components/responses/BadRequest'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '403': {$ref: '#/components/responses/Forbidden'}
        '404': {$ref: '#/components/responses/NotFound'}
  /v1/rooms/{room}/number:
    post:
      operationId: buyRoomNumber
      tags: [rooms]
      summary: The room's streamer buys a listed vanity number for the room, paid in coins.
      description: |
        The price moves from the streamer's coins to `system:platform_fees:coins` in the same
        transaction as the assignment (journaled `room_number_assigned` with the price and the
        transfer) and the release of the room's old number. Of two buyers of one number at once
        exactly one wins; the other gets 409 `number_taken` and pays nothing. Idempotent per buyer
        by `idempotency_key`: the same key and body (room and number) answer the first outcome,
        the receipt or the refusal; another body is 409 `idempotency_conflict`. A refusal moves
        nothing.
        Errors: 400 `invalid_number`, `invalid_idempotency_key` (1-48 bytes of printable ASCII
        without spaces) and the body errors; 403 `not_room_streamer`; 404 `room_not_found`; 409
        `number_taken`, `number_cooling_down`, `number_not_for_sale`, `idempotency_conflict`; 422
        `insufficient_funds`.
      parameters:
        - $ref: '#/components/parameters/Room'
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/BuyRoomNumber'}
      responses:
        '200':
          description: The receipt.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/RoomNumberPurchase'}
        '400': {$ref: '#/components/responses/BadRequest'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '403': {$ref: '#/components/responses/Forbidden'}
        '404': {$ref: '#/components/responses/NotFound'}
        '409': {$ref: '#/components/responses/Conflict'}
        '413': {$ref: '#/components/responses/PayloadTooLarge'}
        '422': {$ref: '#/components/responses/Unprocessable'}
  /v1/rooms/{room}/follow:
    get:
      operationId: getFollow
      tags: [rooms]
      summary: Whether the caller follows the room's streamer, and the streamer's follower count.
      description: 'Errors: 404 `room_not_found`.'
      parameters:
        - $ref: '#/components/parameters/Room'
      responses:
        '200':
          description: The follow state.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/FollowState'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '404': {$ref: '#/components/responses/NotFound'}
    post:
      operationId: follow
      tags: [rooms]
      summary: Follow the room's streamer (no change when already following); journals `follow`.
      description: |
        Errors: 404 `room_not_found`; 409 `cannot_follow_self` (the caller is the streamer),
        `too_many_follows` (5,000 per viewer).
      parameters:
        - $ref: '#/components/parameters/Room'
      responses:
        '200':
          description: The follow state after following.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/FollowState'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '404': {$ref: '#/components/responses/NotFound'}
        '409': {$ref: '#/components/responses/Conflict'}
    delete:
      operationId: unfollow
      tags: [rooms]
      summary: Stop following the room's streamer (no change when not following).
      description: 'Errors: 404 `room_not_found`.'
      parameters:
        - $ref: '#/components/parameters/Room'
      responses:
        '200':
          description: The follow state after unfollowing.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/FollowState'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '404': {$ref: '#/components/responses/NotFound'}
  /v1/rooms/{room}/ws:
    get:
      operationId: roomWebSocket
      tags: [realtime]
      summary: The room's WebSocket (see docs/protocol.md).
      description: |
        With `Connection: Upgrade` and `Upgrade: websocket` the connection switches protocols (101)
        when the token, the room and the cursor check out; otherwise the upgrade is refused with a
        bare 400 (no body). A plain GET runs the same checks and says why: 401 for a bad token
        (`malformed_token`, `bad_signature`, `token_expired`), 404 `room_not_found`, 400
        `invalid_cursor`, or 400 `upgrade_required` when everything is fine. No token at all is an
        anonymous watcher, which may watch but never send. A signed-in client sends danmaku and
        gifts as frames (a `gift` frame is sent as `POST /v1/rooms/{room}/gifts` sends it, under
        the same idempotency record, and answered `gift_receipt` or `gift_error`).
      security:
        - {}
        - bearerAuth: []
      parameters:
        - $ref: '#/components/parameters/Room'
        - name: token
          in: query
          description: The bearer token, for browsers that cannot set headers on an upgrade. The `Authorization` header wins when both are given.
          schema: {type: string}
        - name: epoch
          in: query
          description: Resume cursor - the epoch last seen. Give both `epoch` and `offset`, or neither.
          schema: {type: string}
        - name: offset
          in: query
          description: Resume cursor - the last offset seen in `epoch`.
          schema: {type: integer, format: int64, minimum: 0}
      responses:
        '101':
          description: Switched to the WebSocket protocol.
        '400': {$ref: '#/components/responses/BadRequest'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '404': {$ref: '#/components/responses/NotFound'}
  /v1/rooms/{room}/danmaku:
    get:
      operationId: danmakuLog
      tags: [realtime]
      summary: The room's durable danmaku log, oldest first after `since`.
      description: 'Errors: 404 `room_not_found`; 400 `invalid_since`, `invalid_limit`.'
      parameters:
        - $ref: '#/components/parameters/Room'
        - name: since
          in: query
          description: Journal offset to read after (the `next` of the previous page).
          schema: {type: integer, format: int64, minimum: 0, default: 0}
        - name: limit
          in: query
          schema: {type: integer, minimum: 1, maximum: 500, default: 100}
      responses:
        '200':
          description: A page of the log.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/DanmakuPage'}
        '400': {$ref: '#/components/responses/BadRequest'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '404': {$ref: '#/components/responses/NotFound'}
  /v1/rooms/{room}/mutes:
    post:
      operationId: muteUser
      tags: [realtime]
      summary: Mute a user in the room (the room's streamer, operator, admin).
      description: |
        Errors: 404 `room_not_found`; 403 `forbidden` when the caller is neither the room's
        streamer nor staff; 400 `invalid_user_id`, `invalid_mute_duration` and the body errors.
      parameters:
        - $ref: '#/components/parameters/Room'
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/MuteRequest'}
      responses:
        '204':
          description: Muted.
        '400': {$ref: '#/components/responses/BadRequest'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '403': {$ref: '#/components/responses/Forbidden'}
        '404': {$ref: '#/components/responses/NotFound'}
        '413': {$ref: '#/components/responses/PayloadTooLarge'}
  /v1/admin/moderation/words:
    get:
      operationId: getWords
      tags: [realtime]
      summary: The keyword list of the danmaku filter (operator, admin).
      responses:
        '200':
          description: The list in force.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/WordList'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '403': {$ref: '#/components/responses/Forbidden'}
    put:
      operationId: putWords
      tags: [realtime]
      summary: Replace the keyword list, stored and swapped in atomically (operator, admin).
      description: 'Errors: 400 `invalid_word_list` and the body errors.'
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/WordList'}
      responses:
        '200':
          description: The list now in force.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/WordList'}
        '400': {$ref: '#/components/responses/BadRequest'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '403': {$ref: '#/components/responses/Forbidden'}
        '413': {$ref: '#/components/responses/PayloadTooLarge'}
  /v1/admin/moderation/review:
    get:
      operationId: heldDanmaku
      tags: [realtime]
      summary: Danmaku held for review that nobody has decided on, oldest first (operator, admin).
      description: 'Errors: 400 `invalid_since` (not an integer >= 0), `invalid_query` (limit not an integer), `invalid_limit` (outside 1-500).'
      parameters:
        - name: since
          in: query
          description: A held id; only later ones are listed (0, the default, from the start).
          schema: {type: integer, format: int64, minimum: 0, default: 0}
        - name: limit
          in: query
          schema: {type: integer, minimum: 1, maximum: 500, default: 100}
      responses:
        '200':
          description: A page of held messages.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/HeldDanmakuPage'}
        '400': {$ref: '#/components/responses/BadRequest'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '403': {$ref: '#/components/responses/Forbidden'}
  /v1/admin/moderation/review/{id}:
    post:
      operationId: decideHeldDanmaku
      tags: [realtime]
      summary: Approve or reject a held danmaku, with a reason (operator, admin).
      description: |
        Approving journals the message as an ordinary `danmaku` marked `reviewed: true` and
        delivers it to its room (late); rejecting keeps it out. Either way the decision is
        journaled as `danmaku_review_decision` with who decided and why, once per message.
        Errors: 400 `invalid_id`, `invalid_reason` (1-200 characters, not blank) and the body
        errors; 404 `held_danmaku_not_found`; 409 `already_decided`.
      parameters:
        - name: id
          in: path
          required: true
          description: A held danmaku's id (a positive integer; other text is 400 `invalid_id`).
          schema: {type: string}
          example: '1'
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              additionalProperties: false
              required: [approve, reason]
              properties:
                approve: {type: boolean}
                reason: {type: string, minLength: 1, maxLength: 200}
      responses:
        '200':
          description: The decision.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/DanmakuReviewDecision'}
        '400': {$ref: '#/components/responses/BadRequest'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '403': {$ref: '#/components/responses/Forbidden'}
        '404': {$ref: '#/components/responses/NotFound'}
        '409': {$ref: '#/components/responses/Conflict'}
        '413': {$ref: '#/components/responses/PayloadTooLarge'}
  /v1/admin/broadcasts:
    post:
      operationId: broadcast
      tags: [realtime]
      summary: Publish a `broadcast` event to every room (operator, admin).
      description: 'Errors: 400 `invalid_text` and the body errors.'
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/TextBody'}
      responses:
        '200':
          description: How many rooms it was published to.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Delivered'}
        '400': {$ref: '#/components/responses/BadRequest'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '403': {$ref: '#/components/responses/Forbidden'}
        '413': {$ref: '#/components/responses/PayloadTooLarge'}
  /v1/admin/rooms/{room}/notices:
    post:
      operationId: notice
      tags: [realtime]
      summary: Publish a `notice` event to one room (operator, admin).
      description: 'Errors: 404 `room_not_found`; 400 `invalid_text` and the body errors.'
      parameters:
        - $ref: '#/components/parameters/Room'
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/TextBody'}
      responses:
        '200':
          description: Published to the room.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Delivered'}
        '400': {$ref: '#/components/responses/BadRequest'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '403': {$ref: '#/components/responses/Forbidden'}
        '404': {$ref: '#/components/responses/NotFound'}
        '413': {$ref: '#/components/responses/PayloadTooLarge'}
  /v1/admin/gifts:
    get:
      operationId: listGifts
      tags: [gifts]
      summary: The whole gift catalog, cheapest first (operator, admin).
      responses:
        '200':
          description: Every gift.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/GiftList'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '403': {$ref: '#/components/responses/Forbidden'}
  /v1/admin/gifts/{id}:
    put:
      operationId: putGift
      tags: [gifts]
      summary: Create or replace a gift; each edit is a new version (operator, admin).
      description: |
        Fields left out take their defaults: split 5000/1000/4000, no effect asset, no combo,
        offered in every room, `count_max` 9999, no time window.
        Errors: 400 `invalid_id`, `invalid_name`, `invalid_price_coins`, `invalid_split` (basis
        points non-negative, summing to 10000), `invalid_effect_asset` (not a known asset),
        `invalid_combo_window_seconds`, `invalid_count_max`, `invalid_rooms` (also when both
        `rooms` and `categories` are given), `invalid_categories`, `invalid_enabled_until` (not
        after `enabled_from`) and the body errors.
      parameters:
        - name: id
          in: path
          required: true
          description: Gift id.
          schema: {type: string, pattern: '^[a-z0-9][a-z0-9_-]{0,63}$'}
          example: rose
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/GiftEdit'}
      responses:
        '200':
          description: The gift as stored, with its new version.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Gift'}
        '400': {$ref: '#/components/responses/BadRequest'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '403': {$ref: '#/components/responses/Forbidden'}
        '404': {$ref: '#/components/responses/NotFound'}
        '413': {$ref: '#/components/responses/PayloadTooLarge'}
  /v1/rooms/{room}/gifts:
    get:
      operationId: roomGifts
      tags: [gifts]
      summary: The gifts offered in the room now, cheapest first.
      description: 'Errors: 404 `room_not_found`.'
      parameters:
        - $ref: '#/components/parameters/Room'
      responses:
        '200':
          description: The offered gifts.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/GiftList'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '404': {$ref: '#/components/responses/NotFound'}
    post:
      operationId: sendGift
      tags: [gifts]
      summary: Send a gift to the room's streamer, paid in coins.
      description: |
        Answers after the commit is durable. Idempotent per sender by `idempotency_key`: the same
        key and body answer the first receipt or the first refusal found by the checks; another
        body is 409.
        Errors: 400 `invalid_idempotency_key`, `invalid_count` (below 1 or above the gift's
        `count_max`), `gift_to_self` and the body errors; 404 `room_not_found`, `gift_not_found`;
        409 `idempotency_conflict`; 422 `gift_not_offered`, `gift_refused` (a gift step said no),
        `insufficient_funds`, `amount_overflow`.
      parameters:
        - $ref: '#/components/parameters/Room'
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/GiftSend'}
      responses:
        '200':
          description: The receipt.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/GiftReceipt'}
        '400': {$ref: '#/components/responses/BadRequest'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '404': {$ref: '#/components/responses/NotFound'}
        '409': {$ref: '#/components/responses/Conflict'}
        '413': {$ref: '#/components/responses/PayloadTooLarge'}
        '422': {$ref: '#/components/responses/Unprocessable'}
  /v1/admin/gift-sends/{offset}/refund:
    post:
      operationId: refundGift
      tags: [gifts]
      summary: Refund a sent gift, named by the journal offset of its `gift` fact (operator, admin).
      description: |
        Reverses the gift's transfers and the step grants that agree (`on_refund`); lists the rest
        under `manual`.
        Errors: 400 `invalid_path` (not an integer), `invalid_reason` and the body errors; 404
        `gift_not_found`; 409 `already_refunded`, `already_reversed`; 422 `insufficient_funds`
        (the receiver spent it), `amount_overflow`.
      parameters:
        - name: offset
          in: path
          required: true
          description: Journal offset of the gift send.
          schema: {type: integer, format: int64}
          example: 1
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/RefundRequest'}
      responses:
        '200':
          description: What the refund did.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/GiftRefund'}
        '400': {$ref: '#/components/responses/BadRequest'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '403': {$ref: '#/components/responses/Forbidden'}
        '404': {$ref: '#/components/responses/NotFound'}
        '409': {$ref: '#/components/responses/Conflict'}
        '413': {$ref: '#/components/responses/PayloadTooLarge'}
        '422': {$ref: '#/components/responses/Unprocessable'}
  /v1/wallet:
    get:
      operationId: wallet
      tags: [wallet]
      summary: The caller's balances by asset.
      responses:
        '200':
          description: Balances in minor units.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Balances'}
        '401': {$ref: '#/components/responses/Unauthorized'}
  /v1/wallet/transfers:
    get:
      operationId: walletTransfers
      tags: [wallet]
      summary: The caller's transfer history, newest first, paginated.
      description: 'Errors: 400 `invalid_query` (limit not an integer), `invalid_limit`, `invalid_cursor`.'
      parameters:
        - name: cursor
          in: query
          description: The `next_cursor` of the previous page (an empty one is 400 `invalid_cursor`).
          schema: {type: string, minLength: 1}
        - name: limit
          in: query
          schema: {type: integer, minimum: 1, maximum: 200, default: 50}
      responses:
        '200':
          description: A page of transfers.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/TransferPage'}
        '400': {$ref: '#/components/responses/BadRequest'}
        '401': {$ref: '#/components/responses/Unauthorized'}
  /v1/payments/callback:
    post:
      operationId: paymentCallback
      tags: [payments]
      summary: A payment provider's signed notice that coins were bought (public, HMAC-signed).
      description: |
        No bearer token: the signature is the authentication. `X-Signature` is the hex
        HMAC-SHA256, keyed with the payment secret (`--payment-secret`,
        `SHOWRUNNER_PAYMENT_SECRET`), of `"<X-Timestamp>.<raw body>"`; `X-Timestamp` must be
        within 300 s of the server's clock. The signature is checked before the body is read as
        JSON. Idempotent by `order_id`: a replay answers the first body exactly (the balance as of
        that credit); another body for the same order is 409.
        Errors: 401 `missing_signature`, `stale_timestamp`, `bad_signature`; 400 `invalid_order_id`,
        `invalid_user_id`, `invalid_amount_coins` and the body errors; 409 `idempotency_conflict`;
        422 `amount_overflow`.
      security: []
      parameters:
        - name: X-Timestamp
          in: header
          required: true
          description: Unix time of signing, in whole seconds (1-12 digits).
          schema: {type: string, pattern: '^[0-9]{1,12}$'}
          example: '1700000000'
        - name: X-Signature
          in: header
          required: true
          description: Hex HMAC-SHA256 of `"<X-Timestamp>.<raw body>"` (either case).
          schema: {type: string, pattern: '^[0-9a-fA-F]{64}$'}
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/PaymentCallback'}
      responses:
        '200':
          description: Credited (or the replay of the first credit).
          content:
            application/json:
              schema: {$ref: '#/components/schemas/TopUpReceipt'}
        '400': {$ref: '#/components/responses/BadRequest'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '409': {$ref: '#/components/responses/Conflict'}
        '413': {$ref: '#/components/responses/PayloadTooLarge'}
        '422': {$ref: '#/components/responses/Unprocessable'}
  /v1/admin/wallets/{user}:
    get:
      operationId: userWallet
      tags: [admin money]
      summary: A user's balances by asset (operator, admin).
      description: 'Errors: 400 `invalid_user_id`.'
      parameters:
        - name: user
          in: path
          required: true
          description: User id, 1-64 of `[A-Za-z0-9_-]`.
          schema: {type: string}
          example: viewer-1
      responses:
        '200':
          description: Balances in minor units.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Balances'}
        '400': {$ref: '#/components/responses/BadRequest'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '403': {$ref: '#/components/responses/Forbidden'}
  /v1/admin/wallets/{user}/transfers:
    get:
      operationId: userWalletTransfers
      tags: [admin money]
      summary: A user's transfer history, newest first, paginated (operator, admin).
      description: 'Errors: 400 `invalid_user_id`, `invalid_query` (limit not an integer), `invalid_limit`, `invalid_cursor`.'
      parameters:
        - name: user
          in: path
          required: true
          description: User id, 1-64 of `[A-Za-z0-9_-]`.
          schema: {type: string}
          example: viewer-1
        - name: cursor
          in: query
          description: The `next_cursor` of the previous page (an empty one is 400 `invalid_cursor`).
          schema: {type: string, minLength: 1}
        - name: limit
          in: query
          schema: {type: integer, minimum: 1, maximum: 200, default: 50}
      responses:
        '200':
          description: A page of transfers.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/TransferPage'}
        '400': {$ref: '#/components/responses/BadRequest'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '403': {$ref: '#/components/responses/Forbidden'}
  /v1/admin/wallets/{user}/grants:
    post:
      operationId: grant
      tags: [admin money]
      summary: Grant an asset to a user from the promotions account, journaled (operator, admin).
      description: |
        Idempotent by `idempotency_key` (ledger id `admin-grant:<key>`): the same key and body
        answer the first result, including a first refusal on ledger state.
        Errors: 400 `invalid_reason`, `invalid_idempotency_key`, `invalid_account` (the user id),
        `unknown_asset`, `invalid_amount` and the body errors; 409 `idempotency_conflict`; 422
        `amount_overflow`.
      parameters:
        - name: user
          in: path
          required: true
          description: User id, 1-64 of `[A-Za-z0-9_-]`.
          schema: {type: string}
          example: viewer-1
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/Grant'}
      responses:
        '201':
          description: The transfer (or the first one, replayed).
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Transfer'}
        '400': {$ref: '#/components/responses/BadRequest'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '403': {$ref: '#/components/responses/Forbidden'}
        '404': {$ref: '#/components/responses/NotFound'}
        '409': {$ref: '#/components/responses/Conflict'}
        '413': {$ref: '#/components/responses/PayloadTooLarge'}
        '422': {$ref: '#/components/responses/Unprocessable'}
  /v1/admin/transfers/{id}/reversals:
    post:
      operationId: reverseTransfer
      tags: [admin money]
      summary: Reverse a transfer, journaled (operator, admin).
      description: |
        Idempotent by `idempotency_key` (ledger id `admin-reversal:<key>`).
        Errors: 400 `invalid_reason`, `invalid_idempotency_key`, `invalid_memo` and the body
        errors; 404 `transfer_not_found`; 409 `idempotency_conflict`, `already_reversed`; 422
        `transfer_not_reversible`, `insufficient_funds`, `amount_overflow`.
      parameters:
        - $ref: '#/components/parameters/TransferID'
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/ReasonBody'}
      responses:
        '201':
          description: The reversal transfer.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Transfer'}
        '400': {$ref: '#/components/responses/BadRequest'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '403': {$ref: '#/components/responses/Forbidden'}
        '404': {$ref: '#/components/responses/NotFound'}
        '409': {$ref: '#/components/responses/Conflict'}
        '413': {$ref: '#/components/responses/PayloadTooLarge'}
        '422': {$ref: '#/components/responses/Unprocessable'}
  /v1/admin/pending-transfers:
    post:
      operationId: createPending
      tags: [admin money]
      summary: Reserve an amount on the debit account until posted, voided or expired (operator, admin).
      description: |
        The transfer's id is `admin-pending:<idempotency_key>`.
        Errors: 400 `invalid_reason`, `invalid_idempotency_key`, `invalid_account`,
        `unknown_asset`, `invalid_amount`, `same_account`, `invalid_timeout` and the body errors;
        409 `idempotency_conflict`; 422 `insufficient_funds`, `amount_overflow`.
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/PendingCreate'}
      responses:
        '201':
          description: The `pending` transfer.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Transfer'}
        '400': {$ref: '#/components/responses/BadRequest'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '403': {$ref: '#/components/responses/Forbidden'}
        '409': {$ref: '#/components/responses/Conflict'}
        '413': {$ref: '#/components/responses/PayloadTooLarge'}
        '422': {$ref: '#/components/responses/Unprocessable'}
  /v1/admin/pending-transfers/{id}:
    get:
      operationId: getPending
      tags: [admin money]
      summary: Where a pending transfer stands (operator, admin).
      description: 'Errors: 400 `invalid_idempotency_key`; 404 `pending_not_found`.'
      parameters:
        - $ref: '#/components/parameters/TransferID'
      responses:
        '200':
          description: The pending transfer and what closed it.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/PendingStatus'}
        '400': {$ref: '#/components/responses/BadRequest'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '403': {$ref: '#/components/responses/Forbidden'}
        '404': {$ref: '#/components/responses/NotFound'}
  /v1/admin/pending-transfers/{id}/post:
    post:
      operationId: postPending
      tags: [admin money]
      summary: Move up to the reserved amount (all when `amount` is left out) and release the rest (operator, admin).
      description: |
        Errors: 400 `invalid_reason`, `invalid_idempotency_key`, `invalid_amount` and the body
        errors; 404 `pending_not_found`; 409 `idempotency_conflict`, `pending_already_closed`,
        `pending_expired`; 422 `post_exceeds_pending`, `amount_overflow`.
      parameters:
        - $ref: '#/components/parameters/TransferID'
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/PendingPost'}
      responses:
        '201':
          description: The `post` transfer.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Transfer'}
        '400': {$ref: '#/components/responses/BadRequest'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '403': {$ref: '#/components/responses/Forbidden'}
        '404': {$ref: '#/components/responses/NotFound'}
        '409': {$ref: '#/components/responses/Conflict'}
        '413': {$ref: '#/components/responses/PayloadTooLarge'}
        '422': {$ref: '#/components/responses/Unprocessable'}
  /v1/admin/pending-transfers/{id}/void:
    post:
      operationId: voidPending
      tags: [admin money]
      summary: Release a reservation (operator, admin).
      description: |
        Errors: 400 `invalid_reason`, `invalid_idempotency_key` and the body errors; 404
        `pending_not_found`; 409 `idempotency_conflict`, `pending_already_closed`,
        `pending_expired`.
      parameters:
        - $ref: '#/components/parameters/TransferID'
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/ReasonBody'}
      responses:
        '201':
          description: The `void` transfer.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Transfer'}
        '400': {$ref: '#/components/responses/BadRequest'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '403': {$ref: '#/components/responses/Forbidden'}
        '404': {$ref: '#/components/responses/NotFound'}
        '409': {$ref: '#/components/responses/Conflict'}
        '413': {$ref: '#/components/responses/PayloadTooLarge'}
        '422': {$ref: '#/components/responses/Unprocessable'}
  /v1/admin/journal/parked:
    get:
      operationId: parkedEvents
      tags: [journal]
      summary: Journal events a consumer gave up on (dead letters) (operator, admin).
      description: 'Errors: 400 `invalid_query` (status or limit).'
      parameters:
        - name: status
          in: query
          schema: {type: string, enum: [parked, resolved, all], default: parked}
        - name: limit
          in: query
          schema: {type: integer, minimum: 1, maximum: 500, default: 100}
      responses:
        '200':
          description: The events.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/ParkedList'}
        '400': {$ref: '#/components/responses/BadRequest'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '403': {$ref: '#/components/responses/Forbidden'}
  /v1/admin/journal/parked/{id}/retry:
    post:
      operationId: retryParked
      tags: [journal]
      summary: Re-apply one parked event (operator, admin).
      description: |
        Errors: 400 `invalid_path` (not an integer); 404 `parked_event_not_found`; 409
        `parked_event_already_resolved` (an `Error`), or the event failed again (a `Retried` with
        `resolved: false`); 422 `unknown_consumer`.
      parameters:
        - name: id
          in: path
          required: true
          schema: {type: integer, format: int64}
          example: 1
      responses:
        '200':
          description: Applied; the event is resolved.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Retried'}
        '400': {$ref: '#/components/responses/BadRequest'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '403': {$ref: '#/components/responses/Forbidden'}
        '404': {$ref: '#/components/responses/NotFound'}
        '409':
          description: Already resolved, or failed again.
          content:
            application/json:
              schema:
                oneOf:
                  - {$ref: '#/components/schemas/Retried'}
                  - {$ref: '#/components/schemas/Error'}
        '422': {$ref: '#/components/responses/Unprocessable'}
  /v1/admin/journal/lag:
    get:
      operationId: journalLag
      tags: [journal]
      summary: How many journal entries each consumer is behind (operator, admin).
      responses:
        '200':
          description: Lag by consumer.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Lag'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '403': {$ref: '#/components/responses/Forbidden'}
  /v1/admin/scripts:
    get:
      operationId: scripts
      tags: [scripts]
      summary: The generation serving, its files and declarations, the last reload, kept generations (operator, admin).
      responses:
        '200':
          description: The scripts overview.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/ScriptsOverview'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '403': {$ref: '#/components/responses/Forbidden'}
  /v1/admin/scripts/source:
    get:
      operationId: scriptSource
      tags: [scripts]
      summary: The text of one file of the generation serving (operator, admin).
      description: 'Errors: 400 `invalid_path` (no `path`); 404 `script_file_not_found`.'
      parameters:
        - name: path
          in: query
          required: true
          description: A path of the overview's `files`, e.g. `activities/lucky_wheel.lua`.
          schema: {type: string, minLength: 1}
          example: activities/lucky_wheel.lua
      responses:
        '200':
          description: The file.
          content:
            application/json:
              schema:
                type: object
                additionalProperties: false
                required: [generation, path, text]
                properties:
                  generation: {type: string}
                  path: {type: string}
                  text: {type: string}
        '400': {$ref: '#/components/responses/BadRequest'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '403': {$ref: '#/components/responses/Forbidden'}
        '404': {$ref: '#/components/responses/NotFound'}
  /v1/admin/scripts/reload:
    post:
      operationId: reloadScripts
      tags: [scripts]
      summary: Reload the scripts folder (operator, admin).
      description: On any problem the old generation keeps serving and the answer is 422 `scripts_invalid` with every problem.
      responses:
        '200':
          description: The new generation serves.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/ReloadReport'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '403': {$ref: '#/components/responses/Forbidden'}
        '422': {$ref: '#/components/responses/ScriptsInvalid'}
  /v1/admin/scripts/rollback:
    post:
      operationId: rollbackScripts
      tags: [scripts]
      summary: Go back to the previous generation, or to a kept one by hash (operator, admin).
      description: |
        An empty body means the previous generation.
        Errors: 400 the body errors; 404 `unknown_generation`; 409 `no_previous_generation`; 422
        `scripts_invalid`.
      requestBody:
        required: false
        content:
          application/json:
            schema: {$ref: '#/components/schemas/Rollback'}
      responses:
        '200':
          description: The generation now serving.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/ReloadReport'}
        '400': {$ref: '#/components/responses/BadRequest'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '403': {$ref: '#/components/responses/Forbidden'}
        '404': {$ref: '#/components/responses/NotFound'}
        '409': {$ref: '#/components/responses/Conflict'}
        '413': {$ref: '#/components/responses/PayloadTooLarge'}
        '422': {$ref: '#/components/responses/ScriptsInvalid'}
  /v1/activities:
    get:
      operationId: activities
      tags: [live ops]
      summary: Live activities, with the caller's standing on each board.
      responses:
        '200':
          description: The live activities.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/ActivityList'}
        '401': {$ref: '#/components/responses/Unauthorized'}
  /v1/activities/{id}:
    get:
      operationId: activity
      tags: [live ops]
      summary: An activity's window, boards and the published odds of its chests and wheels.
      description: 'Errors: 404 `activity_not_found`.'
      parameters:
        - $ref: '#/components/parameters/Activity'
      responses:
        '200':
          description: The activity.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/ActivityDetail'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '404': {$ref: '#/components/responses/NotFound'}
  /v1/activities/{id}/leaderboards/{board}:
    get:
      operationId: leaderboard
      tags: [live ops]
      summary: A page of a board - the top, or around a member; closed periods stay readable.
      description: 'Errors: 404 `activity_not_found`, `leaderboard_not_found`; 400 `invalid_query` (limit not an integer), `invalid_limit`.'
      parameters:
        - $ref: '#/components/parameters/Activity'
        - name: board
          in: path
          required: true
          schema: {type: string}
          example: chatters
        - name: period
          in: query
          description: The period key (e.g. `2027-01-20` for a daily board); the current one when empty or absent.
          schema: {type: string}
        - name: limit
          in: query
          schema: {type: integer, minimum: 1, maximum: 100, default: 10}
        - name: around
          in: query
          description: A member to center the page on (empty or absent - the top).
          schema: {type: string}
      responses:
        '200':
          description: The page.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/LeaderboardPage'}
        '400': {$ref: '#/components/responses/BadRequest'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '404': {$ref: '#/components/responses/NotFound'}
  /v1/activities/{id}/wheels/{wheel}/spin:
    post:
      operationId: spinWheel
      tags: [live ops]
      summary: Spin a wheel - its cost and reward move in one transaction.
      description: |
        Same key and wheel answer the first outcome.
        Errors: 404 `activity_not_found`, `wheel_not_found`; 400 `invalid_idempotency_key` and the
        body errors; 409 `idempotency_conflict` (key used for another wheel), `activity_not_live`,
        `wheel_empty`; 422 `insufficient_funds`, `amount_overflow`.
      parameters:
        - $ref: '#/components/parameters/Activity'
        - name: wheel
          in: path
          required: true
          schema: {type: string}
          example: classic
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/SpinRequest'}
      responses:
        '200':
          description: The draw, the reward and the caller's balances.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Spin'}
        '400': {$ref: '#/components/responses/BadRequest'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '404': {$ref: '#/components/responses/NotFound'}
        '409': {$ref: '#/components/responses/Conflict'}
        '413': {$ref: '#/components/responses/PayloadTooLarge'}
        '422': {$ref: '#/components/responses/Unprocessable'}
  /v1/tasks:
    get:
      operationId: tasks
      tags: [live ops]
      summary: The caller's progress and stage states on every task.
      responses:
        '200':
          description: The tasks.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/TaskList'}
        '401': {$ref: '#/components/responses/Unauthorized'}
  /v1/tasks/{id}/claim:
    post:
      operationId: claimTask
      tags: [live ops]
      summary: Claim a reached stage's rewards, once per period.
      description: |
        Errors: 404 `task_not_found`; 400 `invalid_stage` and the body errors; 409
        `task_not_live`, `stage_not_reached`, `already_claimed`; 422 `amount_overflow`.
      parameters:
        - name: id
          in: path
          required: true
          schema: {type: string}
          example: daily-gifts
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/ClaimRequest'}
      responses:
        '200':
          description: The rewards paid and the caller's balances.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/TaskClaim'}
        '400': {$ref: '#/components/responses/BadRequest'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '404': {$ref: '#/components/responses/NotFound'}
        '409': {$ref: '#/components/responses/Conflict'}
        '413': {$ref: '#/components/responses/PayloadTooLarge'}
        '422': {$ref: '#/components/responses/Unprocessable'}
  /v1/inventory:
    get:
      operationId: inventory
      tags: [live ops]
      summary: The caller's badges and items.
      responses:
        '200':
          description: The inventory.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Inventory'}
        '401': {$ref: '#/components/responses/Unauthorized'}
  /v1/admin/privileges/products:
    get:
      operationId: listPrivilegeProductsAdmin
      tags: [privileges]
      summary: Every privilege product (operator, admin).
      responses:
        '200':
          description: The products, by id.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/PrivilegeProducts'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '403': {$ref: '#/components/responses/Forbidden'}
  /v1/admin/privileges/products/{id}:
    get:
      operationId: getPrivilegeProduct
      tags: [privileges]
      summary: One privilege product (operator, admin).
      description: 'Errors: 404 `product_not_found`.'
      parameters:
        - $ref: '#/components/parameters/Product'
      responses:
        '200':
          description: The product.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/PrivilegeProduct'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '403': {$ref: '#/components/responses/Forbidden'}
        '404': {$ref: '#/components/responses/NotFound'}
    put:
      operationId: putPrivilegeProduct
      tags: [privileges]
      summary: Create or replace a VIP line, a guard or a vehicle product (operator, admin).
      description: |
        Tiers are ordered from the lowest; a higher tier includes what the lower ones give. Each
        tier sells one or more durations (`prices`: days and coins). A tier's daily rate is its
        cheapest coins per day; rates may not fall as tiers rise. `priority` decides what shows
        first when a user holds several privileges. Guards pay the streamer
        `streamer_share_bp` basis points of what the buyer pays, as revenue. Each edit is a new
        version; a product's kind never changes.
        Errors: 400 `invalid_product` (names the field: id, title, priority 0-1000000,
        `streamer_share_bp` 0-10000 and only for guards, 1-20 tiers with distinct ids, 1-10 prices
        each with days 1-3650 and coins 1-10000000000, `vehicle` on every vehicle tier and only
        there, falling daily rates) and the body errors (`unknown_field` also inside tiers and
        prices); 409 `kind_immutable`.
      parameters:
        - $ref: '#/components/parameters/Product'
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/PrivilegeProductEdit'}
      responses:
        '200':
          description: The product as stored, with its version.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/PrivilegeProduct'}
        '400': {$ref: '#/components/responses/BadRequest'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '403': {$ref: '#/components/responses/Forbidden'}
        '409': {$ref: '#/components/responses/Conflict'}
        '413': {$ref: '#/components/responses/PayloadTooLarge'}
  /v1/privileges/products:
    get:
      operationId: listPrivilegeProducts
      tags: [privileges]
      summary: The privilege catalog, as buyers see it.
      responses:
        '200':
          description: The products, by id.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/PrivilegeProducts'}
        '401': {$ref: '#/components/responses/Unauthorized'}
  /v1/privileges/purchases:
    post:
      operationId: buyPrivilege
      tags: [privileges]
      summary: Buy, renew or upgrade a privilege, paid in coins; journals `privilege_bought`.
      description: |
        Nothing held (or it ended): the tier runs from now for `days` days. The same tier active:
        the end moves `days` later (renewal). A higher tier than the active one: it runs from now
        for `days` days (upgrade), and the unused time of the lower tier is credited at that
        tier's daily rate, pro rata to the millisecond, rounded down; the upgrade must last at
        least as long as that unused time. A holding ends no more than 3660 days ahead. Guards
        take `streamer_id` and pay that streamer's share as revenue. The money moves in the same
        transaction as the grant. Idempotent per buyer by `idempotency_key`: the same key and
        body answer the first result byte for byte; another body is 409.
        Errors: 400 `invalid_product`, `invalid_tier`, `invalid_days` (1-3650), `unknown_duration`
        (the tier does not sell that many days), `invalid_streamer_id` (missing for a guard, given
        for another kind, or not a user id), `invalid_idempotency_key` and the body errors; 404
        `product_not_found`, `tier_not_found`; 409 `idempotency_conflict`, `lower_tier_active`,
        `upgrade_too_short`, `privilege_too_long`, `cannot_guard_self`; 422 `insufficient_funds`.
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/PurchaseRequest'}
      responses:
        '200':
          description: The purchase.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/PrivilegePurchase'}
        '400': {$ref: '#/components/responses/BadRequest'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '404': {$ref: '#/components/responses/NotFound'}
        '409': {$ref: '#/components/responses/Conflict'}
        '413': {$ref: '#/components/responses/PayloadTooLarge'}
        '422': {$ref: '#/components/responses/Unprocessable'}
  /v1/users/{id}/privileges:
    get:
      operationId: userPrivileges
      tags: [privileges]
      summary: A user's active privileges (expiry exact to the millisecond) and what they show.
      description: |
        `shows` is decided by the one resolver every surface uses (enter events, danmaku,
        leaderboard pages): the badge and entry effect of the highest-priority privilege that has
        one, the vehicle, the top VIP line's tier, the guard tier held for `streamer_id` (guards
        show only in that streamer's rooms), and the worn fan medal. `me` is the caller.
        Errors: 400 `invalid_user_id`, `invalid_streamer_id`.
      parameters:
        - name: id
          in: path
          required: true
          description: A user id, or `me`.
          schema: {$ref: '#/components/schemas/UserID'}
          example: viewer-1
        - name: streamer_id
          in: query
          description: Show as in this streamer's rooms (their guards show); absent - outside any room.
          schema: {$ref: '#/components/schemas/UserID'}
      responses:
        '200':
          description: The holdings, highest priority first.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Holdings'}
        '400': {$ref: '#/components/responses/BadRequest'}
        '401': {$ref: '#/components/responses/Unauthorized'}
  /v1/users/me/medals:
    get:
      operationId: myMedals
      tags: [privileges]
      summary: The caller's fan medals, most points first.
      description: 'Errors: 400 `invalid_query` (limit not an integer or outside 1-200).'
      parameters:
        - name: limit
          in: query
          schema: {type: integer, minimum: 1, maximum: 200, default: 50}
      responses:
        '200':
          description: The medals.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/FanMedals'}
        '400': {$ref: '#/components/responses/BadRequest'}
        '401': {$ref: '#/components/responses/Unauthorized'}
  /v1/users/me/medal:
    put:
      operationId: wearMedal
      tags: [privileges]
      summary: Wear the caller's medal of a streamer (taking off any other).
      description: 'Errors: 400 `invalid_streamer_id` and the body errors; 404 `medal_not_found`.'
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              additionalProperties: false
              required: [streamer_id]
              properties:
                streamer_id: {$ref: '#/components/schemas/UserID'}
      responses:
        '200':
          description: The medal, now worn.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/FanMedal'}
        '400': {$ref: '#/components/responses/BadRequest'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '404': {$ref: '#/components/responses/NotFound'}
        '413': {$ref: '#/components/responses/PayloadTooLarge'}
    delete:
      operationId: takeOffMedal
      tags: [privileges]
      summary: Wear no medal.
      responses:
        '200':
          description: Whether a medal was worn.
          content:
            application/json:
              schema:
                type: object
                additionalProperties: false
                required: [worn]
                properties:
                  worn: {type: boolean}
        '401': {$ref: '#/components/responses/Unauthorized'}
  /v1/rooms/{room}/live:
    get:
      operationId: liveState
      tags: [queues]
      summary: Whether the room is live, and its open session.
      description: 'Errors: 404 `room_not_found`.'
      parameters:
        - $ref: '#/components/parameters/Room'
      responses:
        '200':
          description: The state.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/LiveState'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '404': {$ref: '#/components/responses/NotFound'}
    post:
      operationId: setLive
      tags: [queues]
      summary: The room's streamer (or an operator) starts or ends a live session; journals `live_started` / `live_ended`.
      description: |
        Starting while live, or ending while not, changes nothing. Errors: 400 `invalid_game`
        (starting needs a game of 1-40 bytes) and the body errors; 403 `not_room_streamer`; 404
        `room_not_found`.
      parameters:
        - $ref: '#/components/parameters/Room'
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              additionalProperties: false
              required: [on]
              properties:
                'on': {type: boolean}
                game: {type: string, minLength: 1, maxLength: 40}
      responses:
        '200':
          description: The state after the change.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/LiveState'}
        '400': {$ref: '#/components/responses/BadRequest'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '403': {$ref: '#/components/responses/Forbidden'}
        '404': {$ref: '#/components/responses/NotFound'}
        '413': {$ref: '#/components/responses/PayloadTooLarge'}
  /v1/rooms/{room}/queue:
    get:
      operationId: getQueue
      tags: [queues]
      summary: The room's queue - settings, the waiting list and the game list in join order.
      description: |
        Members carry what they show (badge, medal, guard); the room's streamer and operators
        also see each member's account for the queue's game. Errors: 404 `room_not_found`,
        `queue_not_found`.
      parameters:
        - $ref: '#/components/parameters/Room'
      responses:
        '200':
          description: The queue.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/QueueView'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '404': {$ref: '#/components/responses/NotFound'}
    put:
      operationId: putQueue
      tags: [queues]
      summary: Create or change the room's queue (the room's streamer or an operator).
      description: |
        `gate` picks a template of `GET /v1/queues/gates` and fills its parameters, checked
        against the template's declared types and bounds. Lowering a capacity keeps the members
        already in. Every change is pushed to the room as a `queue` frame.
        Errors: 400 `invalid_game`, `invalid_waiting_capacity` (1-500), `invalid_game_capacity`
        (1-50) and the body errors; 403 `not_room_streamer`; 404 `room_not_found`; 422
        `unknown_gate`, `invalid_gate_params` (names the parameter).
      parameters:
        - $ref: '#/components/parameters/Room'
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/QueueSettings'}
      responses:
        '200':
          description: The queue.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/QueueFrame'}
        '400': {$ref: '#/components/responses/BadRequest'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '403': {$ref: '#/components/responses/Forbidden'}
        '404': {$ref: '#/components/responses/NotFound'}
        '413': {$ref: '#/components/responses/PayloadTooLarge'}
        '422': {$ref: '#/components/responses/Unprocessable'}
  /v1/rooms/{room}/queue/apply:
    post:
      operationId: applyToQueue
      tags: [queues]
      summary: Join the waiting list, through the queue's gate; journals `queue_joined`.
      description: |
        Errors: 403 `gate_refused` (the gate's reason is the message); 404 `room_not_found`,
        `queue_not_found`; 409 `queue_closed`, `queue_full`, `already_queued` (in either list),
        `own_queue`.
      parameters:
        - $ref: '#/components/parameters/Room'
      responses:
        '200':
          description: The queue with the caller in it.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/QueueFrame'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '403': {$ref: '#/components/responses/Forbidden'}
        '404': {$ref: '#/components/responses/NotFound'}
        '409': {$ref: '#/components/responses/Conflict'}
  /v1/rooms/{room}/queue/me:
    delete:
      operationId: leaveQueue
      tags: [queues]
      summary: Leave whichever list the caller is in; journals `queue_left`.
      description: 'Errors: 404 `room_not_found`, `queue_not_found`, `not_queued`.'
      parameters:
        - $ref: '#/components/parameters/Room'
      responses:
        '200':
          description: The queue without the caller.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/QueueFrame'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '404': {$ref: '#/components/responses/NotFound'}
  /v1/rooms/{room}/queue/members/{user}:
    delete:
      operationId: removeFromQueue
      tags: [queues]
      summary: The streamer (or an operator) removes a member from either list, with a reason.
      description: |
        The body may be empty. Errors: 400 `invalid_user_id`, `invalid_reason` and the body
        errors; 403 `not_room_streamer`; 404 `room_not_found`, `queue_not_found`, `not_queued`.
      parameters:
        - $ref: '#/components/parameters/Room'
        - name: user
          in: path
          required: true
          schema: {$ref: '#/components/schemas/UserID'}
          example: viewer-1
      requestBody:
        required: false
        content:
          application/json:
            schema:
              type: object
              additionalProperties: false
              properties:
                reason: {$ref: '#/components/schemas/Reason'}
      responses:
        '200':
          description: The queue.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/QueueFrame'}
        '400': {$ref: '#/components/responses/BadRequest'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '403': {$ref: '#/components/responses/Forbidden'}
        '404': {$ref: '#/components/responses/NotFound'}
        '413': {$ref: '#/components/responses/PayloadTooLarge'}
  /v1/rooms/{room}/queue/members/{user}/promote:
    post:
      operationId: promoteInQueue
      tags: [queues]
      summary: The streamer (or an operator) moves a member from the waiting list to the game list.
      description: |
        Errors: 400 `invalid_user_id`; 403 `not_room_streamer`; 404 `room_not_found`,
        `queue_not_found`, `not_waiting`; 409 `game_full`.
      parameters:
        - $ref: '#/components/parameters/Room'
        - name: user
          in: path
          required: true
          schema: {$ref: '#/components/schemas/UserID'}
          example: viewer-1
      responses:
        '200':
          description: The queue.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/QueueFrame'}
        '400': {$ref: '#/components/responses/BadRequest'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '403': {$ref: '#/components/responses/Forbidden'}
        '404': {$ref: '#/components/responses/NotFound'}
        '409': {$ref: '#/components/responses/Conflict'}
  /v1/rooms/{room}/queue/clear:
    post:
      operationId: clearQueue
      tags: [queues]
      summary: The streamer (or an operator) empties both lists and closes the queue.
      description: |
        The body may be empty. Errors: 400 `invalid_reason` and the body errors; 403
        `not_room_streamer`; 404 `room_not_found`, `queue_not_found`.
      parameters:
        - $ref: '#/components/parameters/Room'
      requestBody:
        required: false
        content:
          application/json:
            schema:
              type: object
              additionalProperties: false
              properties:
                reason: {$ref: '#/components/schemas/Reason'}
      responses:
        '200':
          description: The emptied, closed queue.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/QueueFrame'}
        '400': {$ref: '#/components/responses/BadRequest'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '403': {$ref: '#/components/responses/Forbidden'}
        '404': {$ref: '#/components/responses/NotFound'}
        '413': {$ref: '#/components/responses/PayloadTooLarge'}
  /v1/users/me/game-accounts/{game}:
    put:
      operationId: bindGameAccount
      tags: [queues]
      summary: Bind the caller's account for a game (one per game), shown to streamers whose queue plays it.
      description: 'Errors: 400 `invalid_game`, `invalid_account` (1-64 bytes) and the body errors.'
      parameters:
        - name: game
          in: path
          required: true
          schema: {type: string}
          example: chess
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              additionalProperties: false
              required: [account]
              properties:
                account: {type: string, minLength: 1, maxLength: 64}
      responses:
        '200':
          description: The binding.
          content:
            application/json:
              schema:
                type: object
                additionalProperties: false
                required: [game, account]
                properties:
                  game: {type: string}
                  account: {type: string}
        '400': {$ref: '#/components/responses/BadRequest'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '413': {$ref: '#/components/responses/PayloadTooLarge'}
  /v1/streamers/me/goods:
    get:
      operationId: myGoods
      tags: [orders]
      summary: The caller's goods in every state (streamers and staff).
      description: 'Errors: 403 `not_a_streamer`.'
      responses:
        '200':
          description: The goods, newest first.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/GoodsList'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '403': {$ref: '#/components/responses/Forbidden'}
    post:
      operationId: createGoods
      tags: [orders]
      summary: Create a good; the review lists it, holds it for an operator, or refuses it.
      description: |
        The text (title, game, region, details) is scored against the operators' weighted word
        list: at or above the reject threshold it is refused with the matched terms and nothing is
        stored; at or above the review threshold it waits (`in_review`); below it is listed. A
        private offer names `for_viewer` and ends at `offer_expires_at`. With `?draft=true` the
        good is kept as an unreviewed, unlisted `draft` until an edit without it submits it.
        Errors: 400 `invalid_query` (`draft` not true or false), `invalid_title`, `invalid_game`, `invalid_region`, `invalid_details`,
        `invalid_price_tickets` (1-1000000), `invalid_stock`, `invalid_for_viewer`,
        `invalid_offer_expires_at` and the body errors; 403 `not_a_streamer`; 409 `too_many_goods`
        (200 not delisted); 422 `goods_rejected`.
      parameters:
        - {$ref: '#/components/parameters/GoodsDraft'}
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/GoodsEdit'}
      responses:
        '201':
          description: The good.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Goods'}
        '400': {$ref: '#/components/responses/BadRequest'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '403': {$ref: '#/components/responses/Forbidden'}
        '409': {$ref: '#/components/responses/Conflict'}
        '413': {$ref: '#/components/responses/PayloadTooLarge'}
        '422': {$ref: '#/components/responses/Unprocessable'}
  /v1/streamers/me/goods/{id}:
    put:
      operationId: updateGoods
      tags: [orders]
      summary: Replace one of the caller's goods; it is reviewed again (a delisted or rejected good can come back), or kept as a draft.
      description: 'Errors: as creating, and 400 `invalid_id`; 404 `goods_not_found` (also another streamer''s).'
      parameters:
        - {$ref: '#/components/parameters/GoodsDraft'}
        - name: id
          in: path
          required: true
          description: A goods id (a positive integer; other text is 400 `invalid_id`).
          schema: {type: string}
          example: '1'
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/GoodsEdit'}
      responses:
        '200':
          description: The good.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Goods'}
        '400': {$ref: '#/components/responses/BadRequest'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '403': {$ref: '#/components/responses/Forbidden'}
        '404': {$ref: '#/components/responses/NotFound'}
        '413': {$ref: '#/components/responses/PayloadTooLarge'}
        '422': {$ref: '#/components/responses/Unprocessable'}
    delete:
      operationId: delistGoods
      tags: [orders]
      summary: Take one of the caller's goods off the list.
      description: 'Errors: 400 `invalid_id`; 403 `not_a_streamer`; 404 `goods_not_found`.'
      parameters:
        - name: id
          in: path
          required: true
          description: A goods id (a positive integer; other text is 400 `invalid_id`).
          schema: {type: string}
          example: '1'
      responses:
        '200':
          description: The delisted good.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Goods'}
        '400': {$ref: '#/components/responses/BadRequest'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '403': {$ref: '#/components/responses/Forbidden'}
        '404': {$ref: '#/components/responses/NotFound'}
  /v1/streamers/{id}/goods:
    get:
      operationId: streamerGoods
      tags: [orders]
      summary: A streamer's listed public goods.
      description: 'Errors: 400 `invalid_streamer_id`.'
      parameters:
        - name: id
          in: path
          required: true
          schema: {$ref: '#/components/schemas/UserID'}
          example: streamer-ava
      responses:
        '200':
          description: The goods, newest first.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/GoodsList'}
        '400': {$ref: '#/components/responses/BadRequest'}
        '401': {$ref: '#/components/responses/Unauthorized'}
  /v1/users/me/offers:
    get:
      operationId: myOffers
      tags: [orders]
      summary: Private goods offered to the caller, listed and not yet ended.
      responses:
        '200':
          description: The offers.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/GoodsList'}
        '401': {$ref: '#/components/responses/Unauthorized'}
  /v1/admin/goods/review:
    get:
      operationId: goodsReviewQueue
      tags: [orders]
      summary: Goods waiting for an operator, oldest first (operator, admin).
      description: 'Errors: 400 `invalid_query` (limit outside 1-200).'
      parameters:
        - name: limit
          in: query
          schema: {type: integer, minimum: 1, maximum: 200, default: 50}
      responses:
        '200':
          description: The goods.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/GoodsList'}
        '400': {$ref: '#/components/responses/BadRequest'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '403': {$ref: '#/components/responses/Forbidden'}
  /v1/admin/goods/{id}/review:
    post:
      operationId: decideGoods
      tags: [orders]
      summary: Approve (list) or reject a good waiting for review, with a reason (operator, admin).
      description: 'Errors: 400 `invalid_id`, `invalid_reason` and the body errors; 404 `goods_not_found`; 409 `not_in_review`.'
      parameters:
        - name: id
          in: path
          required: true
          description: A goods id (a positive integer; other text is 400 `invalid_id`).
          schema: {type: string}
          example: '1'
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              additionalProperties: false
              required: [approve, reason]
              properties:
                approve: {type: boolean}
                reason: {type: string, minLength: 1, maxLength: 200}
      responses:
        '200':
          description: The good.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Goods'}
        '400': {$ref: '#/components/responses/BadRequest'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '403': {$ref: '#/components/responses/Forbidden'}
        '404': {$ref: '#/components/responses/NotFound'}
        '409': {$ref: '#/components/responses/Conflict'}
        '413': {$ref: '#/components/responses/PayloadTooLarge'}
  /v1/admin/goods/words:
    get:
      operationId: goodsWords
      tags: [orders]
      summary: The goods review's word list and thresholds (operator, admin).
      responses:
        '200':
          description: The settings.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/GoodsReviewSettings'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '403': {$ref: '#/components/responses/Forbidden'}
    put:
      operationId: putGoodsWords
      tags: [orders]
      summary: Replace the review's word list and thresholds, then patrol every listed good (operator, admin).
      description: |
        Every listed good is scored again; those at or above the reject threshold are delisted
        and their streamer gets a notification. Errors: 400 `invalid_words` (at most 10000 terms,
        each once, weights 1-1000), `invalid_thresholds` (1-1000000, review below reject) and
        the body errors.
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/GoodsReviewSettings'}
      responses:
        '200':
          description: What the patrol did.
          content:
            application/json:
              schema:
                type: object
                additionalProperties: false
                required: [rescored, delisted]
                properties:
                  rescored: {type: integer, minimum: 0}
                  delisted:
                    type: array
                    items: {type: integer}
        '400': {$ref: '#/components/responses/BadRequest'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '403': {$ref: '#/components/responses/Forbidden'}
        '413': {$ref: '#/components/responses/PayloadTooLarge'}
  /v1/orders:
    post:
      operationId: createOrder
      tags: [orders]
      summary: Order a good; its price is held in tickets and the order starts in the machine's initial state.
      description: |
        In one transaction: the good is checked (listed, public or a private offer to the caller
        that has not ended, in stock: the last unit goes to exactly one buyer), the price is held
        with a pending transfer from the caller's tickets, the order starts in the initial state of
        the `order_machine` script (`Scripts/orders/`), `order_changed` is journaled and the
        machine's `on_transition` runs. The same `idempotency_key` and body answer the first
        result byte for byte. Errors: 400 `invalid_goods_id`, `invalid_idempotency_key` (1-100
        printable ASCII characters) and the body errors; 404 `goods_not_found` (unknown, not
        listed, another viewer's private offer, an ended offer); 409 `cannot_order_own_goods`,
        `out_of_stock`, `too_many_open_orders` (100 open at once), `idempotency_conflict`; 422 `insufficient_funds` (tickets); 503
        `orders_unavailable` (no order machine loaded). Nothing is held or written on an error.
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/NewOrder'}
      responses:
        '201':
          description: The order and its first change.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/OrderActionResult'}
        '400': {$ref: '#/components/responses/BadRequest'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '404': {$ref: '#/components/responses/NotFound'}
        '409': {$ref: '#/components/responses/Conflict'}
        '413': {$ref: '#/components/responses/PayloadTooLarge'}
        '422': {$ref: '#/components/responses/Unprocessable'}
        '503': {$ref: '#/components/responses/Unavailable'}
    get:
      operationId: myOrders
      tags: [orders]
      summary: The caller's orders as viewer (default) or as streamer, oldest first.
      description: |
        Due timeouts among the listed orders fire before they are answered. Errors: 400
        `invalid_query` (`as`, `state`, `limit` 1-200), `invalid_cursor`.
      parameters:
        - {name: as, in: query, schema: {type: string, enum: [viewer, streamer]}}
        - {name: state, in: query, description: A state of the machine., schema: {type: string}}
        - {$ref: '#/components/parameters/OrderCursor'}
        - {$ref: '#/components/parameters/OrderLimit'}
      responses:
        '200':
          description: A page of orders.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/OrderPage'}
        '400': {$ref: '#/components/responses/BadRequest'}
        '401': {$ref: '#/components/responses/Unauthorized'}
  /v1/orders/machine:
    get:
      operationId: orderMachine
      tags: [orders]
      summary: The order machine new orders start on (states, transitions with their actors, timeouts, fee).
      description: 'Errors: 503 `orders_unavailable`.'
      responses:
        '200':
          description: The machine.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/OrderMachine'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '503': {$ref: '#/components/responses/Unavailable'}
  /v1/orders/{id}:
    get:
      operationId: getOrder
      tags: [orders]
      summary: One order, for its viewer, its streamer or staff; a due timeout fires first.
      description: 'Errors: 400 `invalid_id`; 404 `order_not_found` (also someone else''s).'
      parameters:
        - {$ref: '#/components/parameters/OrderID'}
      responses:
        '200':
          description: The order.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Order'}
        '400': {$ref: '#/components/responses/BadRequest'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '404': {$ref: '#/components/responses/NotFound'}
  /v1/orders/{id}/actions/{action}:
    post:
      operationId: orderAction
      tags: [orders]
      summary: Run one of the machine's transitions; the one path for every action.
      description: |
        The caller acts as the order's `viewer`, its `streamer`, or (staff) `operator`; anyone
        else gets 404. In one transaction: any due timeout fires first (as `system`), then the
        state changes only if it still is one of the transition's expected-from states
        (compare-and-set), a final state posts the held tickets (less the machine's `fee_bp`,
        the rest issued to the streamer as revenue) or voids them, `order_changed` is journaled
        and `on_transition` runs (its notifications and `order` frames). The same
        `idempotency_key` from the same caller answers the first result. Errors: 400
        `invalid_id`, `invalid_idempotency_key`, `invalid_reason`, `invalid_to` and the body
        errors; 403 `actor_not_allowed`; 404 `order_not_found`, `unknown_action`; 409
        `order_state_conflict` (with the current `state` and `version`), `idempotency_conflict`;
        422 `insufficient_funds` (a post whose hold lapsed).
      parameters:
        - {$ref: '#/components/parameters/OrderID'}
        - {name: action, in: path, required: true, description: A transition of the order's machine., schema: {type: string}, example: accept}
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/OrderActionRequest'}
      responses:
        '200':
          description: The order after the change, and the change.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/OrderActionResult'}
        '400': {$ref: '#/components/responses/BadRequest'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '403': {$ref: '#/components/responses/Forbidden'}
        '404': {$ref: '#/components/responses/NotFound'}
        '409': {$ref: '#/components/responses/Conflict'}
        '413': {$ref: '#/components/responses/PayloadTooLarge'}
        '422': {$ref: '#/components/responses/Unprocessable'}
  /v1/admin/orders:
    get:
      operationId: adminOrders
      tags: [orders]
      summary: Orders by state, streamer, viewer and age, oldest first (operator, admin).
      description: |
        `min_age_seconds` keeps orders created at least that long ago. Errors: 400
        `invalid_query` (`state`, `min_age_seconds` 0-315360000, `limit` 1-200),
        `invalid_viewer_id`, `invalid_streamer_id`, `invalid_cursor`.
      parameters:
        - {name: state, in: query, schema: {type: string}}
        - {name: viewer_id, in: query, schema: {type: string}}
        - {name: streamer_id, in: query, schema: {type: string}}
        - {name: min_age_seconds, in: query, schema: {type: integer, minimum: 0, maximum: 315360000}}
        - {$ref: '#/components/parameters/OrderCursor'}
        - {$ref: '#/components/parameters/OrderLimit'}
      responses:
        '200':
          description: A page of orders.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/OrderPage'}
        '400': {$ref: '#/components/responses/BadRequest'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '403': {$ref: '#/components/responses/Forbidden'}
  /v1/admin/orders/{id}/force:
    post:
      operationId: forceOrder
      tags: [orders]
      summary: Move an order to any state of its machine with a reason (operator, admin).
      description: |
        From whatever non-final state the order is in; money moves as the target state says; the
        change is journaled with who (`actor_id`) and why (`reason`, `forced: true`). Errors: 400
        `invalid_id`, `invalid_to`, `invalid_reason` (required), `invalid_idempotency_key`; 404
        `order_not_found`, `unknown_state`; 409 `order_final`, `idempotency_conflict`.
      parameters:
        - {$ref: '#/components/parameters/OrderID'}
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/OrderActionRequest'}
      responses:
        '200':
          description: The order after the change, and the change.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/OrderActionResult'}
        '400': {$ref: '#/components/responses/BadRequest'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '403': {$ref: '#/components/responses/Forbidden'}
        '404': {$ref: '#/components/responses/NotFound'}
        '409': {$ref: '#/components/responses/Conflict'}
        '413': {$ref: '#/components/responses/PayloadTooLarge'}
        '422': {$ref: '#/components/responses/Unprocessable'}
  /v1/notifications:
    get:
      operationId: notifications
      tags: [session]
      summary: The caller's notifications (what scripts' `ctx.notify` asked for), newest first, with the unread count.
      description: 'Errors: 400 `invalid_query` (limit outside 1-100 or not an integer), `invalid_cursor`.'
      parameters:
        - name: cursor
          in: query
          description: The `next_cursor` of an earlier page.
          schema: {type: string}
        - name: limit
          in: query
          schema: {type: integer, minimum: 1, maximum: 100, default: 20}
      responses:
        '200':
          description: A page.
          content:
            application/json:
              schema:
                type: object
                additionalProperties: false
                required: [notifications, unread]
                properties:
                  notifications:
                    type: array
                    items:
                      type: object
                      additionalProperties: false
                      required: [id, text, origin, created_at, read]
                      properties:
                        id: {type: integer}
                        text: {type: string}
                        origin: {type: string}
                        created_at: {$ref: '#/components/schemas/Millis'}
                        read: {type: boolean}
                  next_cursor: {type: string}
                  unread: {type: integer, minimum: 0}
        '400': {$ref: '#/components/responses/BadRequest'}
        '401': {$ref: '#/components/responses/Unauthorized'}
  /v1/notifications/read:
    post:
      operationId: readNotifications
      tags: [session]
      summary: Mark the caller's notifications read up to an id.
      description: 'Errors: 400 `invalid_up_to` (below 1) and the body errors.'
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              additionalProperties: false
              required: [up_to]
              properties:
                up_to: {type: integer, minimum: 1}
      responses:
        '200':
          description: How many stay unread.
          content:
            application/json:
              schema:
                type: object
                additionalProperties: false
                required: [unread]
                properties:
                  unread: {type: integer, minimum: 0}
        '400': {$ref: '#/components/responses/BadRequest'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '413': {$ref: '#/components/responses/PayloadTooLarge'}
  /v1/queues/recommended:
    get:
      operationId: recommendedQueues
      tags: [queues]
      summary: Live streamers with open queues to play with, refreshed every minute.
      description: |
        Streamers fall in tiers by their session's average concurrent viewers (sampled each
        minute; tier 0 under 10, 1 under 100, 2 under 1000, 3 above), higher tiers first; within a
        tier, streamers the caller played with before come first, then the most game seats
        missing, then the most waiting places free. `age_ms` says how old the list is.
        Errors: 400 `invalid_query` (limit outside 1-50 or not an integer, passing not true or
        false); 503 `recommendations_not_ready` (before the first refresh after a start).
      parameters:
        - name: game
          in: query
          description: Only queues of this game.
          schema: {type: string}
        - name: limit
          in: query
          schema: {type: integer, minimum: 1, maximum: 50, default: 20}
        - name: passing
          in: query
          description: Only queues whose gate lets the caller in now.
          schema: {type: string, enum: ['true', 'false'], default: 'false'}
      responses:
        '200':
          description: The recommendations.
          content:
            application/json:
              schema:
                type: object
                additionalProperties: false
                required: [generated_at, age_ms, streamers]
                properties:
                  generated_at: {$ref: '#/components/schemas/Millis'}
                  age_ms: {type: integer, minimum: 0}
                  streamers:
                    type: array
                    items:
                      type: object
                      additionalProperties: false
                      required: [room_id, streamer_id, game, average_viewers, tier, seats_missing, waiting_free, played_before]
                      properties:
                        room_id: {type: string}
                        streamer_id: {type: string}
                        game: {type: string}
                        average_viewers: {type: integer}
                        tier: {type: integer, minimum: 0, maximum: 3}
                        seats_missing: {type: integer}
                        waiting_free: {type: integer}
                        played_before: {type: boolean}
        '400': {$ref: '#/components/responses/BadRequest'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '503':
          description: The first list is being built.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Error'}
  /v1/queues/gates:
    get:
      operationId: queueGates
      tags: [queues]
      summary: The entry-gate templates (`Scripts/queues/`) and their typed parameters, for a streamer's tool.
      responses:
        '200':
          description: The templates, by id.
          content:
            application/json:
              schema:
                type: object
                additionalProperties: false
                required: [gates]
                properties:
                  gates:
                    type: array
                    items:
                      type: object
                      additionalProperties: false
                      required: [id, params]
                      properties:
                        id: {type: string}
                        title: {type: string}
                        description: {type: string}
                        params:
                          type: array
                          items:
                            type: object
                            additionalProperties: false
                            required: [name, type]
                            properties:
                              name: {type: string}
                              type: {type: string, enum: [integer, string, boolean]}
                              min: {type: integer}
                              max: {type: integer}
                              default: {description: The value used when the streamer gives none.}
                              title: {type: string}
        '401': {$ref: '#/components/responses/Unauthorized'}
  /v1/streamers/{id}/fans/{viewer}:
    get:
      operationId: fanMedal
      tags: [privileges]
      summary: A viewer's fan medal of a streamer.
      description: 'Errors: 400 `invalid_streamer_id`, `invalid_viewer_id`; 404 `medal_not_found`.'
      parameters:
        - name: id
          in: path
          required: true
          schema: {$ref: '#/components/schemas/UserID'}
          example: streamer-ava
        - name: viewer
          in: path
          required: true
          schema: {$ref: '#/components/schemas/UserID'}
          example: viewer-1
      responses:
        '200':
          description: The medal.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/FanMedal'}
        '400': {$ref: '#/components/responses/BadRequest'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '404': {$ref: '#/components/responses/NotFound'}
  /v1/admin/partners:
    post:
      operationId: registerPartner
      tags: [partners]
      summary: Register a partner of the signed partner API (operator, admin).
      description: |
        Answers the partner with its `secret`, this once: the given one, or 32 random bytes as
        64 hex characters when none is given. Listing never shows secrets.
        `streamer_share_bp` (0-10000, 0 when absent) is the share of each debit made in a room
        (`room_id` on `POST /v1/partner/orders`) that the room's streamer receives as revenue.
        Errors: 400 `invalid_id`, `invalid_secret`, `invalid_name`, `invalid_streamer_share_bp` and
        the body errors; 409 `partner_exists`.
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/RegisterPartner'}
      responses:
        '201':
          description: The partner and its secret.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/RegisteredPartner'}
        '400': {$ref: '#/components/responses/BadRequest'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '403': {$ref: '#/components/responses/Forbidden'}
        '409': {$ref: '#/components/responses/Conflict'}
        '413': {$ref: '#/components/responses/PayloadTooLarge'}
    get:
      operationId: listPartners
      tags: [partners]
      summary: Every registered partner, by id, without secrets (operator, admin).
      responses:
        '200':
          description: The partners.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/PartnerList'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '403': {$ref: '#/components/responses/Forbidden'}
  /v1/partner/orders:
    post:
      operationId: partnerDebit
      tags: [partners]
      summary: Debit a user's coins for a partner's game order (public, partner-signed).
      description: |
        Moves `amount_coins` from the user's coins to `system:partner_clearing:coins` through the
        ledger, with the order row and a `partner_debit` journal fact in the same transaction.
        `partner_order_id` is the idempotency key per partner: the same key and body answer the
        first result exactly; another body is 409 `idempotency_conflict`. A refusal (insufficient
        funds) records nothing. With `room_id` (the game was played in that room), the partner's
        `streamer_share_bp` of the amount, rounded down, is issued to the room's streamer as
        revenue in the same transaction (`streamer_id`, `streamer_share` in the answer; it counts
        as `partner_games` in their earnings); refunds take it back in proportion.
        Signing: see the `PartnerSignature` parameter.
        Errors: the signature errors (401, 409 `nonce_reused`); 400 `invalid_partner_order_id`,
        `invalid_user_id`, `invalid_amount_coins`, `invalid_memo`, `invalid_room_id` and the body
        errors; 404 `room_not_found`; 409 `idempotency_conflict`; 422 `insufficient_funds`.
      security: []
      parameters:
        - {$ref: '#/components/parameters/PartnerID'}
        - {$ref: '#/components/parameters/PartnerTimestamp'}
        - {$ref: '#/components/parameters/PartnerNonce'}
        - {$ref: '#/components/parameters/PartnerSignature'}
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/PartnerDebitRequest'}
      responses:
        '200':
          description: Debited (or the replay of the first debit).
          content:
            application/json:
              schema: {$ref: '#/components/schemas/PartnerDebit'}
        '400': {$ref: '#/components/responses/BadRequest'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '404': {$ref: '#/components/responses/NotFound'}
        '409': {$ref: '#/components/responses/Conflict'}
        '413': {$ref: '#/components/responses/PayloadTooLarge'}
        '422': {$ref: '#/components/responses/Unprocessable'}
  /v1/partner/orders/{partner_order_id}:
    get:
      operationId: partnerOrder
      tags: [partners]
      summary: A partner's order, its refunds and its state (public, partner-signed).
      description: |
        Errors: the signature errors (401, 409 `nonce_reused`); 400 `invalid_partner_order_id`;
        404 `order_not_found`.
      security: []
      parameters:
        - {$ref: '#/components/parameters/PartnerOrderID'}
        - {$ref: '#/components/parameters/PartnerID'}
        - {$ref: '#/components/parameters/PartnerTimestamp'}
        - {$ref: '#/components/parameters/PartnerNonce'}
        - {$ref: '#/components/parameters/PartnerSignature'}
      responses:
        '200':
          description: The order.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/PartnerOrder'}
        '400': {$ref: '#/components/responses/BadRequest'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '404': {$ref: '#/components/responses/NotFound'}
        '409': {$ref: '#/components/responses/Conflict'}
        '413': {$ref: '#/components/responses/PayloadTooLarge'}
  /v1/partner/orders/{partner_order_id}/refunds:
    post:
      operationId: partnerRefund
      tags: [partners]
      summary: Refund all or part of a partner's order to its user (public, partner-signed).
      description: |
        Moves `amount_coins` from `system:partner_clearing:coins` back to the order's user, with a
        `partner_refund` journal fact. Idempotent by `refund_id` per partner: the same id and body
        answer the first result; another body (or order) is 409 `idempotency_conflict`. The
        refunds of an order never sum to more than its debit (at most 100 refunds an order).
        Errors: the signature errors (401, 409 `nonce_reused`); 400 `invalid_partner_order_id`,
        `invalid_refund_id`, `invalid_amount_coins` and the body errors; 404 `order_not_found`;
        409 `idempotency_conflict`; 422 `refund_exceeds_debit`, `too_many_refunds`, and `insufficient_funds` when
        the order's streamer no longer has the revenue its share of this refund takes back (nothing is
        refunded then).
      security: []
      parameters:
        - {$ref: '#/components/parameters/PartnerOrderID'}
        - {$ref: '#/components/parameters/PartnerID'}
        - {$ref: '#/components/parameters/PartnerTimestamp'}
        - {$ref: '#/components/parameters/PartnerNonce'}
        - {$ref: '#/components/parameters/PartnerSignature'}
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/PartnerRefundRequest'}
      responses:
        '200':
          description: Refunded (or the replay of the first refund with this id).
          content:
            application/json:
              schema: {$ref: '#/components/schemas/PartnerRefund'}
        '400': {$ref: '#/components/responses/BadRequest'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '404': {$ref: '#/components/responses/NotFound'}
        '409': {$ref: '#/components/responses/Conflict'}
        '413': {$ref: '#/components/responses/PayloadTooLarge'}
        '422': {$ref: '#/components/responses/Unprocessable'}
  /v1/partner/messages:
    post:
      operationId: partnerMessage
      tags: [partners]
      summary: A partner's system message to a user's or a room's sockets (public, partner-signed).
      description: |
        Journaled as `partner_message`, then delivered at most once as a `notice` frame
        (`data: {text, partner_id}`): to every socket of `to_user` in this process (the frame
        carries `user_id` instead of a room position), or to the room's stream for `to_room`.
        Errors: the signature errors (401, 409 `nonce_reused`); 400 `invalid_recipient` (not
        exactly one of `to_user` and `to_room`), `invalid_to_user`, `invalid_text` and the body
        errors; 404 `room_not_found`.
      security: []
      parameters:
        - {$ref: '#/components/parameters/PartnerID'}
        - {$ref: '#/components/parameters/PartnerTimestamp'}
        - {$ref: '#/components/parameters/PartnerNonce'}
        - {$ref: '#/components/parameters/PartnerSignature'}
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/PartnerMessageRequest'}
      responses:
        '200':
          description: Journaled and delivered.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/PartnerMessage'}
        '400': {$ref: '#/components/responses/BadRequest'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '404': {$ref: '#/components/responses/NotFound'}
        '409': {$ref: '#/components/responses/Conflict'}
        '413': {$ref: '#/components/responses/PayloadTooLarge'}
  /v1/partner/statements/{date}:
    get:
      operationId: partnerStatement
      tags: [partners]
      summary: A partner's debits and refunds of one day, as CSV (public, partner-signed).
      description: |
        The day is a calendar day of the server's operations time zone (`serve --time-zone`, UTC
        by default). `text/csv`, lines ending in `\n`, header
        `kind,partner_order_id,refund_id,user_id,debit_coins,refund_coins,at_ms`; one row per
        debit (`kind` `debit`, `refund_id` empty, `refund_coins` 0) and per refund (`kind`
        `refund`, `debit_coins` 0) in time order, `at_ms` in milliseconds since 1970; then
        `total,,,,<sum of debit_coins>,<sum of refund_coins>,`. `showrunner partners reconcile`
        reads the same columns.
        Errors: the signature errors (401, 409 `nonce_reused`); 400 `invalid_date`; 422
        `statement_too_large` (over 100,000 rows).
      security: []
      parameters:
        - name: date
          in: path
          required: true
          description: The day, `YYYY-MM-DD` (a day that does not exist is 400 `invalid_date`).
          schema: {type: string, pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'}
          example: '2026-12-03'
        - {$ref: '#/components/parameters/PartnerID'}
        - {$ref: '#/components/parameters/PartnerTimestamp'}
        - {$ref: '#/components/parameters/PartnerNonce'}
        - {$ref: '#/components/parameters/PartnerSignature'}
      responses:
        '200':
          description: The statement.
          content:
            text/csv:
              schema: {type: string}
        '400': {$ref: '#/components/responses/BadRequest'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '409': {$ref: '#/components/responses/Conflict'}
        '413': {$ref: '#/components/responses/PayloadTooLarge'}
        '422': {$ref: '#/components/responses/Unprocessable'}
  /v1/admin/guilds:
    get:
      operationId: guilds
      tags: [settlement]
      summary: Every guild, by id (operator, admin).
      responses:
        '200':
          description: The guilds.
          content:
            application/json:
              schema:
                type: object
                additionalProperties: false
                required: [guilds]
                properties:
                  guilds:
                    type: array
                    items: {$ref: '#/components/schemas/Guild'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '403': {$ref: '#/components/responses/Forbidden'}
    post:
      operationId: createGuild
      tags: [settlement]
      summary: Create a guild (admin).
      description: |
        Errors: 400 `invalid_id` (1-64 of `[A-Za-z0-9_-]`), `invalid_name` (1-100 bytes, no
        control characters), `invalid_share_bp` (0-10000); 403 `admin_only`; 409 `guild_exists`,
        `too_many_guilds` (at most 10000).
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/GuildEdit'}
      responses:
        '201':
          description: The guild.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Guild'}
        '400': {$ref: '#/components/responses/BadRequest'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '403': {$ref: '#/components/responses/Forbidden'}
        '409': {$ref: '#/components/responses/Conflict'}
        '413': {$ref: '#/components/responses/PayloadTooLarge'}
  /v1/admin/guilds/{id}:
    parameters:
      - name: id
        in: path
        required: true
        schema: {type: string, pattern: '^[A-Za-z0-9_-]{1,64}$'}
    get:
      operationId: guild
      tags: [settlement]
      summary: A guild and its contracts, newest first (operator, admin).
      responses:
        '200':
          description: The guild.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/GuildDetail'}
        '400': {$ref: '#/components/responses/BadRequest'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '403': {$ref: '#/components/responses/Forbidden'}
        '404': {$ref: '#/components/responses/NotFound'}
    put:
      operationId: updateGuild
      tags: [settlement]
      summary: Rename a guild or change its default share rate (admin).
      description: 'Errors: as `POST /v1/admin/guilds` (an `id` in the body must be the path''s); 404 `guild_not_found`.'
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/GuildEdit'}
      responses:
        '200':
          description: The guild.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Guild'}
        '400': {$ref: '#/components/responses/BadRequest'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '403': {$ref: '#/components/responses/Forbidden'}
        '404': {$ref: '#/components/responses/NotFound'}
        '413': {$ref: '#/components/responses/PayloadTooLarge'}
  /v1/admin/guilds/{id}/members:
    parameters:
      - name: id
        in: path
        required: true
        schema: {type: string, pattern: '^[A-Za-z0-9_-]{1,64}$'}
    post:
      operationId: signGuildContract
      tags: [settlement]
      summary: Sign a streamer to the guild from a day (admin).
      description: |
        A streamer belongs to at most one guild on any day: a running contract (in any guild)
        that started before `starts_on` ends on that day, so a switch mid-month splits the month
        by date. Gifts from `starts_on` credit the guild's share to `guild:<id>:revenue`.
        Errors: 400 `invalid_streamer_id`, `invalid_starts_on` (a real `YYYY-MM-DD`),
        `invalid_base_salary` (0-10^12), `invalid_share_bp` (0-10000); 403 `admin_only`; 404
        `guild_not_found`; 409 `contract_overlaps` (a contract starts on or after that day),
        `too_many_contracts` (500 per streamer).
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              additionalProperties: false
              required: [streamer_id, starts_on]
              properties:
                streamer_id: {type: string}
                starts_on: {type: string, format: date}
                exclusive: {type: boolean, default: false}
                base_salary: {type: integer, minimum: 0, maximum: 1000000000000, default: 0}
                share_bp: {type: integer, minimum: 0, maximum: 10000, description: 'Default: the guild''s.'}
      responses:
        '201':
          description: The contract.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/GuildContract'}
        '400': {$ref: '#/components/responses/BadRequest'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '403': {$ref: '#/components/responses/Forbidden'}
        '404': {$ref: '#/components/responses/NotFound'}
        '409': {$ref: '#/components/responses/Conflict'}
        '413': {$ref: '#/components/responses/PayloadTooLarge'}
  /v1/admin/guilds/{id}/members/{streamer}:
    parameters:
      - name: id
        in: path
        required: true
        schema: {type: string, pattern: '^[A-Za-z0-9_-]{1,64}$'}
      - name: streamer
        in: path
        required: true
        schema: {type: string, pattern: '^[A-Za-z0-9_-]{1,64}$'}
    put:
      operationId: endGuildContract
      tags: [settlement]
      summary: End a streamer's running contract with the guild (admin).
      description: 'Errors: 400 `invalid_ends_on` (not a day, or not after the start); 403 `admin_only`; 404 `contract_not_found`.'
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              additionalProperties: false
              required: [ends_on]
              properties:
                ends_on: {type: string, format: date, description: The first day no longer covered.}
      responses:
        '200':
          description: The ended contract.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/GuildContract'}
        '400': {$ref: '#/components/responses/BadRequest'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '403': {$ref: '#/components/responses/Forbidden'}
        '404': {$ref: '#/components/responses/NotFound'}
        '413': {$ref: '#/components/responses/PayloadTooLarge'}
  /v1/streamers/me/earnings:
    get:
      operationId: myEarnings
      tags: [settlement]
      summary: The caller's month so far, day by day (streamer, staff).
      description: |
        Revenue by source (gifts, guards, orders, partner_games) from the earnings aggregates,
        live minutes from the live sessions, and valid days as the loaded settlement policy
        defines them (`valid_day_minutes` of continuous live). Errors: 400 `invalid_month`;
        403 `not_a_streamer`.
      parameters:
        - name: month
          in: query
          required: true
          schema: {type: string, pattern: '^[0-9]{4}-[0-9]{2}$'}
      responses:
        '200':
          description: The month.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/EarningsMonth'}
        '400': {$ref: '#/components/responses/BadRequest'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '403': {$ref: '#/components/responses/Forbidden'}
  /v1/streamers/me/withdrawals:
    get:
      operationId: myWithdrawals
      tags: [settlement]
      summary: The caller's withdrawals, newest first (at most 100).
      responses:
        '200':
          description: The withdrawals.
          content:
            application/json:
              schema:
                type: object
                additionalProperties: false
                required: [withdrawals]
                properties:
                  withdrawals:
                    type: array
                    items: {$ref: '#/components/schemas/Withdrawal'}
        '401': {$ref: '#/components/responses/Unauthorized'}
    post:
      operationId: requestWithdrawal
      tags: [settlement]
      summary: Ask for a withdrawal of available revenue, on days 1-2 of a month, for the month before (streamer).
      description: |
        A pending transfer from the caller's revenue to `system:settlement_payouts:revenue`; the
        server's sweep imports (posts) it on the first day after the window (the month's run
        does if the sweep has not), and the month's statements show it. The same key with
        the same amount answers the first request. Errors: 400 `invalid_amount` (1-10^18),
        `invalid_idempotency_key` (1-64 printable ASCII); 403 `not_a_streamer`; 409
        `withdrawal_window_closed`, `idempotency_conflict`, `month_confirmed`; 422
        `insufficient_funds`.
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              additionalProperties: false
              required: [amount, idempotency_key]
              properties:
                amount: {type: integer, minimum: 1, maximum: 1000000000000000000}
                idempotency_key: {type: string, minLength: 1, maxLength: 64}
      responses:
        '201':
          description: The withdrawal.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Withdrawal'}
        '400': {$ref: '#/components/responses/BadRequest'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '403': {$ref: '#/components/responses/Forbidden'}
        '409': {$ref: '#/components/responses/Conflict'}
        '413': {$ref: '#/components/responses/PayloadTooLarge'}
        '422': {$ref: '#/components/responses/Unprocessable'}
  /v1/admin/settlement/{month}:
    parameters:
      - $ref: '#/components/parameters/SettlementMonth'
    get:
      operationId: settlementMonth
      tags: [settlement]
      summary: A month's state and statements (operator, admin).
      description: 'Statements are computed by `showrunner settle run`. Errors: 400 `invalid_month`.'
      responses:
        '200':
          description: The month.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/SettlementMonth'}
        '400': {$ref: '#/components/responses/BadRequest'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '403': {$ref: '#/components/responses/Forbidden'}
  /v1/admin/settlement/{month}/statements.csv:
    parameters:
      - $ref: '#/components/parameters/SettlementMonth'
    get:
      operationId: settlementStatementsCSV
      tags: [settlement]
      summary: Every streamer's statement as CSV, as `showrunner settle report` writes it (operator, admin).
      responses:
        '200':
          description: The CSV.
          content:
            text/csv:
              schema: {type: string}
        '400': {$ref: '#/components/responses/BadRequest'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '403': {$ref: '#/components/responses/Forbidden'}
  /v1/admin/settlement/{month}/guilds.csv:
    parameters:
      - $ref: '#/components/parameters/SettlementMonth'
    get:
      operationId: settlementGuildsCSV
      tags: [settlement]
      summary: The guild summary as CSV (operator, admin).
      responses:
        '200':
          description: The CSV.
          content:
            text/csv:
              schema: {type: string}
        '400': {$ref: '#/components/responses/BadRequest'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '403': {$ref: '#/components/responses/Forbidden'}
  /v1/admin/settlement/{month}/report.html:
    parameters:
      - $ref: '#/components/parameters/SettlementMonth'
    get:
      operationId: settlementReport
      tags: [settlement]
      summary: The month as an HTML page with a chart of daily revenue, inline SVG, nothing fetched (operator, admin).
      responses:
        '200':
          description: The page.
          content:
            text/html:
              schema: {type: string}
        '400': {$ref: '#/components/responses/BadRequest'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '403': {$ref: '#/components/responses/Forbidden'}
  /v1/admin/settlement/{month}/adjustments:
    parameters:
      - $ref: '#/components/parameters/SettlementMonth'
    get:
      operationId: settlementAdjustments
      tags: [settlement]
      summary: The adjustments counting in a month (operator, admin).
      responses:
        '200':
          description: The adjustments, oldest first.
          content:
            application/json:
              schema:
                type: object
                additionalProperties: false
                required: [adjustments]
                properties:
                  adjustments:
                    type: array
                    items: {$ref: '#/components/schemas/SettlementAdjustment'}
        '400': {$ref: '#/components/responses/BadRequest'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '403': {$ref: '#/components/responses/Forbidden'}
    post:
      operationId: adjustSettlement
      tags: [settlement]
      summary: Record a finance adjustment with its reason (admin).
      description: |
        In a month not yet confirmed the adjustment counts there and the month goes back to
        `open` (run it again before confirming); in a confirmed or paid month it lands in the
        next month that is not, with `refers_to_month` naming the original. Errors: 400
        `invalid_month`, `invalid_owner_kind`, `invalid_owner_id`, `invalid_amount` (non-zero,
        at most 10^18 either way), `invalid_reason` (1-200 bytes); 403 `admin_only`.
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              additionalProperties: false
              required: [owner_kind, owner_id, amount, reason]
              properties:
                owner_kind: {type: string, enum: [streamer, guild]}
                owner_id: {type: string}
                amount: {type: integer}
                reason: {type: string, minLength: 1, maxLength: 200}
      responses:
        '201':
          description: The adjustment.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/SettlementAdjustment'}
        '400': {$ref: '#/components/responses/BadRequest'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '403': {$ref: '#/components/responses/Forbidden'}
        '413': {$ref: '#/components/responses/PayloadTooLarge'}
  /v1/admin/settlement/{month}/confirm:
    parameters:
      - $ref: '#/components/parameters/SettlementMonth'
    post:
      operationId: confirmSettlement
      tags: [settlement]
      summary: Freeze a reviewed month and post its payouts through the ledger (admin).
      description: |
        Each statement's payout (`total - revenue`) moves between
        `system:settlement_payouts:revenue` and the owner's revenue account, all in one
        transaction. Errors: 403 `admin_only`; 409 `month_confirmed` (already frozen),
        `month_not_reviewed` (not run, or adjusted since, or its withdrawals not imported yet or
        changed since the run: run it again), `insufficient_funds` (an account
        cannot give back what its statement takes: nothing is posted), `withdrawal_window_open`
        (the month's withdrawals are still being asked, days 1-2 of the next month).
      responses:
        '200':
          description: The confirmed month.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/SettlementMonth'}
        '400': {$ref: '#/components/responses/BadRequest'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '403': {$ref: '#/components/responses/Forbidden'}
        '409': {$ref: '#/components/responses/Conflict'}
  /v1/admin/settlement/{month}/paid:
    parameters:
      - $ref: '#/components/parameters/SettlementMonth'
    post:
      operationId: markSettlementPaid
      tags: [settlement]
      summary: Mark a confirmed month paid (admin).
      description: 'Errors: 403 `admin_only`; 409 `month_not_confirmed`.'
      responses:
        '200':
          description: The paid month.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/SettlementMonth'}
        '400': {$ref: '#/components/responses/BadRequest'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '403': {$ref: '#/components/responses/Forbidden'}
        '409': {$ref: '#/components/responses/Conflict'}
  /v1/admin/jobs:
    get:
      operationId: listJobs
      tags: [jobs]
      summary: The last operator jobs, newest first (operator, admin).
      description: Jobs are kept in memory (the last 20; a restart forgets them).
      responses:
        '200':
          description: Every kept job.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/JobList'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '403': {$ref: '#/components/responses/Forbidden'}
  /v1/admin/jobs/{id}:
    get:
      operationId: getJob
      tags: [jobs]
      summary: One job; read it until its state is no longer `running` (operator, admin).
      description: 'Errors: 404 `job_not_found` (unknown, or no longer kept).'
      parameters:
        - name: id
          in: path
          required: true
          schema: {type: string}
      responses:
        '200':
          description: The job, with its result once it succeeded or its error once it failed.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Job'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '403': {$ref: '#/components/responses/Forbidden'}
        '404': {$ref: '#/components/responses/NotFound'}
  /v1/admin/jobs/scripts-test:
    post:
      operationId: startScriptsTest
      tags: [jobs]
      summary: Run the script tests (`*_test.lua`) of the folder the server runs on, as `showrunner scripts test` does (operator, admin).
      description: |
        Answers at once with the running job; its result is a `ScriptTestReport`. A folder that
        does not load fails the job with `scripts_invalid` and the problems.
        Errors: 400 `invalid_filter` and the body errors; 409 `job_running` (one at a time).
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/ScriptsTestStart'}
      responses:
        '202':
          description: The job, running.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Job'}
        '400': {$ref: '#/components/responses/BadRequest'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '403': {$ref: '#/components/responses/Forbidden'}
        '409': {$ref: '#/components/responses/Conflict'}
        '413': {$ref: '#/components/responses/PayloadTooLarge'}
  /v1/admin/jobs/replay:
    post:
      operationId: startReplay
      tags: [jobs]
      summary: What-if replay of the server's scripts folder over a recorded window of its database, as `showrunner replay` does (operator, admin).
      description: |
        Runs in a scratch copy; the live database is only read. Answers at once with the running
        job; its result is a `ReplayOutcome`. A folder that does not load fails the job with
        `scripts_invalid` and the problems.
        Errors: 400 `invalid_window` (`0 <= from < to`, at most 31 days) and the body errors;
        409 `job_running` (one at a time).
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/ReplayStart'}
      responses:
        '202':
          description: The job, running.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Job'}
        '400': {$ref: '#/components/responses/BadRequest'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '403': {$ref: '#/components/responses/Forbidden'}
        '409': {$ref: '#/components/responses/Conflict'}
        '413': {$ref: '#/components/responses/PayloadTooLarge'}
  /v1/admin/jobs/reconcile:
    post:
      operationId: startReconcile
      tags: [jobs]
      summary: Check the ledger, gifts, orders' tickets and the journal consumers, as `showrunner reconcile` does (operator, admin).
      description: |
        Only checks (no repair). Answers at once with the running job; its result is a
        `ReconcileResult`. Errors: 400 the body errors; 409 `job_running` (one at a time).
      requestBody:
        required: true
        content:
          application/json:
            schema: {type: object, additionalProperties: false, maxProperties: 0}
      responses:
        '202':
          description: The job, running.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Job'}
        '400': {$ref: '#/components/responses/BadRequest'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '403': {$ref: '#/components/responses/Forbidden'}
        '409': {$ref: '#/components/responses/Conflict'}
        '413': {$ref: '#/components/responses/PayloadTooLarge'}
  /v1/admin/jobs/settle-run:
    post:
      operationId: startSettleRun
      tags: [jobs, settlement]
      summary: Compute a month's draft statements with the serving scripts' `settlement_policy`, as `showrunner settle run` does (admin).
      description: |
        Answers at once with the running job; read it with `GET /v1/admin/jobs/{id}`: while it
        runs, `progress` is statements done of the total; once it succeeded, its result is a
        `SettleRunResult` (the statements are read with `GET /v1/admin/settlement/{month}`).
        The job first waits (up to 10 s) for the earnings consumer to apply the facts recorded
        before the month's end (or before now, for the running month), then runs. It fails with
        the run's error and writes nothing: `earnings_behind`, `month_confirmed` (frozen
        meanwhile), `withdrawals_changed` (run again), `too_many_statements`, or a policy
        failure (`script_error`, `script_instruction_budget`, `script_bad_result`...) whose
        message and `problems` name `path:line`.
        Errors: 400 `invalid_month` and the body errors; 403 `admin_only`; 409
        `month_confirmed`, `no_settlement_policy`, `several_settlement_policies`,
        `job_running` (one run at a time).
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/SettleRunStart'}
      responses:
        '202':
          description: The job, running.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Job'}
        '400': {$ref: '#/components/responses/BadRequest'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '403': {$ref: '#/components/responses/Forbidden'}
        '409': {$ref: '#/components/responses/Conflict'}
        '413': {$ref: '#/components/responses/PayloadTooLarge'}
components:
  securitySchemes:
    bearerAuth:
      type: http
      scheme: bearer
      bearerFormat: showrunner token
      description: |
        `base64url(JSON {"sub","role","exp"}) + "." + base64url(HMAC-SHA256)`, minted by
        `showrunner token issue --user ID --role viewer|streamer|operator|admin|partner`. The
        `token` query parameter is accepted as well (the header wins).
  parameters:
    GoodsDraft:
      name: draft
      in: query
      description: '`true` keeps the good as an unreviewed, unlisted draft; `false` or absent submits it to the review.'
      schema: {type: string, enum: ['true', 'false']}
    OrderID:
      name: id
      in: path
      required: true
      description: An order id (a positive integer; other text is 400 `invalid_id`).
      schema: {type: string}
      example: '1'
    OrderCursor:
      name: cursor
      in: query
      description: The `next_cursor` of the page before.
      schema: {type: string}
    OrderLimit:
      name: limit
      in: query
      description: Orders per page, 1-200 (50 by default).
      schema: {type: integer, minimum: 1, maximum: 200}
    SettlementMonth:
      name: month
      in: path
      required: true
      schema: {type: string, pattern: '^[0-9]{4}-[0-9]{2}$'}
    Room:
      name: room
      in: path
      required: true
      description: |
        Room id, `^[a-z0-9][a-z0-9_-]{0,63}$`, or the room's vanity number (3-9 digits, no leading
        zero, e.g. `888`). A segment shaped like a number is looked up as a number first, then as an
        id, so a room whose id is all digits stays reachable by it (a number equal to another room's
        id is never assigned). Answers always name the room by its id. Anything else is 404
        `room_not_found`.
      schema: {type: string}
      example: lobby
    Number:
      name: number
      in: path
      required: true
      description: A vanity room number - 3-9 decimal digits, no leading zero; anything else is 400 `invalid_number`.
      schema: {type: string}
      example: '888'
    Activity:
      name: id
      in: path
      required: true
      description: Activity id, as declared in `Scripts/activities/`.
      schema: {type: string}
      example: lucky-wheel
    Product:
      name: id
      in: path
      required: true
      description: Privilege product id, 1-64 characters of a-z, 0-9, '-' and '_' (another id is 400 `invalid_product` on PUT, 404 on GET).
      schema: {type: string}
      example: vip
    TransferID:
      name: id
      in: path
      required: true
      description: A ledger transfer id, 1-128 bytes of printable ASCII without spaces (e.g. `admin-pending:k1`).
      schema: {type: string}
      example: 'demo-coins:viewer-1'
    PartnerOrderID:
      name: partner_order_id
      in: path
      required: true
      description: The partner's order id, 1-64 bytes of `[A-Za-z0-9._:-]`; other text is 400 `invalid_partner_order_id`.
      schema: {type: string, pattern: '^[A-Za-z0-9._:-]{1,64}$'}
      example: game-order-1
    PartnerID:
      name: X-Partner-Id
      in: header
      required: true
      description: The partner's id, as registered (`POST /v1/admin/partners`).
      schema: {type: string}
      example: minigames
    PartnerTimestamp:
      name: X-Timestamp
      in: header
      required: true
      description: |
        Unix time of signing in whole seconds, 1-12 digits only; more than 300 s from the
        server's clock, either way, is 401 `stale_timestamp`.
      schema: {type: string}
      example: '1700000000'
    PartnerNonce:
      name: X-Nonce
      in: header
      required: true
      description: |
        1-64 bytes of printable ASCII without spaces (else 401 `invalid_nonce`), new for this
        partner: one already used within the 300 s window is 409 `nonce_reused`. A nonce is
        spent once the signature is verified, whatever the request then answers.
      schema: {type: string}
      example: 6f1c2a9e
    PartnerSignature:
      name: X-Signature
      in: header
      required: true
      description: |
        Hex HMAC-SHA256 (64 characters, either case), keyed with the partner's secret, of the
        canonical string `METHOD + "\n" + PATH_WITH_QUERY + "\n" + TIMESTAMP + "\n" + NONCE + "\n" + BODY`:
        the method in capitals (`POST`), the request target exactly as sent (path and `?query`,
        not decoded, e.g. `/v1/partner/orders`), the `X-Timestamp` and `X-Nonce` values, and the
        raw body bytes (empty for a GET). A missing or empty signing header is 401
        `missing_signature`; an unknown partner or a wrong signature is 401 `bad_signature`.
      schema: {type: string}
      example: 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08
  responses:
    BadRequest:
      description: The request is malformed or a field is invalid; the codes are in the route's description.
      content:
        application/json:
          schema: {$ref: '#/components/schemas/Error'}
    Unauthorized:
      description: Missing, malformed, tampered or expired credentials.
      headers:
        WWW-Authenticate:
          schema: {type: string}
      content:
        application/json:
          schema: {$ref: '#/components/schemas/Error'}
    Forbidden:
      description: The caller's role may not do this (`forbidden`).
      content:
        application/json:
          schema: {$ref: '#/components/schemas/Error'}
    NotFound:
      description: Nothing has this id, or no route has this path (`not_found`).
      content:
        application/json:
          schema: {$ref: '#/components/schemas/Error'}
    Conflict:
      description: The state forbids it, or an idempotency key was used with another body.
      content:
        application/json:
          schema: {$ref: '#/components/schemas/Error'}
    PayloadTooLarge:
      description: The body is over the server's limit (`payload_too_large`).
      content:
        application/json:
          schema: {$ref: '#/components/schemas/Error'}
    Unprocessable:
      description: Well-formed, but refused on the current state (funds, limits, a script's verdict).
      content:
        application/json:
          schema: {$ref: '#/components/schemas/Error'}
    Unavailable:
      description: The service cannot answer now (e.g. `orders_unavailable`); try again later.
      content:
        application/json:
          schema: {$ref: '#/components/schemas/Error'}
    ScriptsInvalid:
      description: The scripts were refused (`scripts_invalid`) and the old generation keeps serving.
      content:
        application/json:
          schema: {$ref: '#/components/schemas/ScriptsInvalid'}
  schemas:
    Guild:
      type: object
      additionalProperties: false
      required: [id, name, share_bp, created_at, updated_at]
      properties:
        id: {type: string}
        name: {type: string}
        share_bp: {type: integer, minimum: 0, maximum: 10000}
        created_at: {type: integer}
        updated_at: {type: integer}
    GuildEdit:
      type: object
      additionalProperties: false
      required: [name, share_bp]
      properties:
        id: {type: string, pattern: '^[A-Za-z0-9_-]{1,64}$', description: Required when creating.}
        name: {type: string, minLength: 1, maxLength: 100}
        share_bp: {type: integer, minimum: 0, maximum: 10000}
    GuildContract:
      type: object
      additionalProperties: false
      required: [id, guild_id, streamer_id, starts_on, exclusive, base_salary, share_bp, created_by, created_at]
      properties:
        id: {type: integer}
        guild_id: {type: string}
        streamer_id: {type: string}
        starts_on: {type: string, format: date}
        ends_on: {type: string, format: date, description: First day not covered; absent while the contract runs.}
        exclusive: {type: boolean}
        base_salary: {type: integer, minimum: 0}
        share_bp: {type: integer, minimum: 0, maximum: 10000}
        created_by: {type: string}
        created_at: {type: integer}
    GuildDetail:
      type: object
      additionalProperties: false
      required: [guild, contracts]
      properties:
        guild: {$ref: '#/components/schemas/Guild'}
        contracts:
          type: array
          items: {$ref: '#/components/schemas/GuildContract'}
    EarningsMonth:
      type: object
      additionalProperties: false
      required: [streamer_id, month, days, revenue, total, live_minutes, valid_days, valid_day_minutes]
      properties:
        streamer_id: {type: string}
        month: {type: string}
        revenue:
          type: object
          description: Revenue by source (gifts, guards, orders, partner_games).
          additionalProperties: {type: integer}
        total: {type: integer}
        live_minutes: {type: integer}
        valid_days: {type: integer}
        valid_day_minutes: {type: integer}
        days:
          type: array
          items:
            type: object
            additionalProperties: false
            required: [day, revenue, total, live_minutes, longest_minutes]
            properties:
              day: {type: string, format: date}
              revenue:
                type: object
                additionalProperties: {type: integer}
              total: {type: integer}
              live_minutes: {type: integer}
              longest_minutes: {type: integer}
    SettlementStatement:
      type: object
      additionalProperties: false
      required: [month, owner_kind, owner_id, revenue, parts, total, payout, inputs_hash, policy_generation]
      properties:
        month: {type: string}
        owner_kind: {type: string, enum: [streamer, guild]}
        owner_id: {type: string}
        guild_id: {type: string}
        revenue: {type: integer, description: Revenue the owner's account already received this month.}
        parts:
          type: object
          description: base_salary, bonus, revenue_share, subsidy (a streamer) or share (a guild), and adjustments.
          additionalProperties: {type: integer}
        total: {type: integer}
        payout: {type: integer, description: What confirming posts, total - revenue.}
        note: {type: string}
        member_parts:
          type: object
          additionalProperties: {type: integer}
        withdrawn: {type: integer, description: 'A streamer''s withdrawals asked for this month (pending or imported; not expired ones).'}
        inputs_hash: {type: string}
        policy_generation: {type: string}
    SettlementMonth:
      type: object
      additionalProperties: false
      required: [month, state, statements]
      properties:
        month: {type: string}
        state: {type: string, enum: [open, calculating, pending_review, confirmed, paid]}
        policy_generation: {type: string}
        inputs_hash: {type: string}
        statements:
          type: array
          items: {$ref: '#/components/schemas/SettlementStatement'}
    Withdrawal:
      type: object
      additionalProperties: false
      required: [id, streamer_id, month, amount, transfer_id, state, requested_at]
      properties:
        id: {type: integer}
        streamer_id: {type: string}
        month: {type: string}
        amount: {type: integer}
        transfer_id: {type: string}
        state:
          type: string
          enum: [pending, imported, expired]
          description: |
            `pending` while the window is open; `imported` (posted) by the sweep on the first
            day after the window, or by the month's run; `expired` when the ledger released the
            hold first (it lapsed after 30 days with nothing running, or was voided): the revenue
            stayed with the streamer, `reason` says why.
        requested_at: {type: integer}
        imported_at: {type: integer}
        reason: {type: string, description: Why an `expired` withdrawal was not imported.}
    SettlementAdjustment:
      type: object
      additionalProperties: false
      required: [id, month, owner_kind, owner_id, amount, reason, created_by, created_at]
      properties:
        id: {type: integer}
        month: {type: string}
        owner_kind: {type: string, enum: [streamer, guild]}
        owner_id: {type: string}
        amount: {type: integer}
        reason: {type: string}
        created_by: {type: string}
        refers_to_month: {type: string}
        created_at: {type: integer}
    Error:
      type: object
      additionalProperties: false
      required: [error, message]
      properties:
        error:
          type: string
          pattern: '^[a-z][a-z0-9_]*$'
          description: Stable machine code, e.g. `room_not_found`.
        message:
          type: string
          description: A sentence for people.
        state:
          type: string
          description: On 409 `order_state_conflict`, the order's current state.
        version:
          type: string
          description: On 409 `order_state_conflict`, the order's current version.
    ScriptsInvalid:
      type: object
      additionalProperties: false
      required: [error, message, report]
      properties:
        error: {type: string, const: scripts_invalid}
        message: {type: string, description: 'Every problem, one `path:line: message` per line.'}
        report: {$ref: '#/components/schemas/ReloadReport'}
    Health:
      type: object
      additionalProperties: false
      required: [status, version, mode]
      properties:
        status: {type: string, const: ok}
        version: {type: string}
        mode: {type: string, enum: [production, development], description: '`development` when started with `--dev` (public secrets).'}
    Role:
      type: string
      enum: [viewer, streamer, operator, admin, partner]
    WhoAmI:
      type: object
      additionalProperties: false
      required: [user_id, role, expires_at]
      properties:
        user_id: {type: string}
        role: {$ref: '#/components/schemas/Role'}
        expires_at: {type: integer, format: int64, description: 'The token''s `exp`: whole seconds since 1970.'}
    Pong:
      type: object
      additionalProperties: false
      required: [pong, role]
      properties:
        pong: {type: boolean, const: true}
        role: {$ref: '#/components/schemas/Role'}
    Millis:
      type: integer
      format: int64
      description: Milliseconds since the Unix epoch.
    UserID:
      type: string
      pattern: '^[A-Za-z0-9_-]{1,64}$'
    AssetID:
      type: string
      pattern: '^[a-z][a-z0-9_]{0,31}$'
      description: '`coins`, `tickets`, `revenue`, or an asset the server declares (`--asset`); another is 400 `unknown_asset`.'
    IdempotencyKey:
      type: string
      pattern: '^[\x21-\x7E]{1,100}$'
      description: 1-100 bytes of printable ASCII without spaces.
    Reason:
      type: string
      minLength: 1
      maxLength: 200
      pattern: '^[^\x00-\x1F\x7F]*[^\x00-\x1F\x7F\s][^\x00-\x1F\x7F]*$'
      description: Why, for the audit trail - 1-200 bytes, not only spaces.
    Room:
      type: object
      additionalProperties: false
      required: [id, streamer_id, title, category, created_at]
      properties:
        id: {type: string}
        streamer_id: {type: string}
        title: {type: string}
        category: {type: string}
        created_at: {$ref: '#/components/schemas/Millis'}
        number:
          type: [string, 'null']
          description: The room's vanity number (`GET /v1/rooms/{room}` only; null when none).
        live: {type: boolean, description: 'Whether the room is live now (`GET /v1/rooms/{room}` only).'}
    CreateRoom:
      type: object
      additionalProperties: false
      required: [id, streamer_id, title, category]
      properties:
        id: {type: string, pattern: '^[a-z0-9][a-z0-9_-]{0,63}$', examples: [new-room]}
        streamer_id: {$ref: '#/components/schemas/UserID'}
        title:
          type: string
          minLength: 1
          maxLength: 100
          pattern: '^[^\x00-\x1F\x7F-\x9F]*[^\s\x00-\x1F\x7F-\x9F][^\x00-\x1F\x7F-\x9F]*$'
          description: 1-100 characters, not blank, no control characters.
        category:
          type: string
          minLength: 1
          maxLength: 40
          pattern: '^[^\x00-\x1F\x7F-\x9F]*[^\s\x00-\x1F\x7F-\x9F][^\x00-\x1F\x7F-\x9F]*$'
          description: 1-40 characters, not blank, no control characters.
    RoomNumberText:
      type: string
      pattern: '^[1-9][0-9]{2,8}$'
      description: A vanity room number - 3-9 decimal digits, no leading zero, as a string.
      examples: ['888']
    AssignRoomNumber:
      type: object
      additionalProperties: false
      required: [number]
      properties:
        number: {$ref: '#/components/schemas/RoomNumberText'}
    RoomNumberListing:
      type: object
      additionalProperties: false
      required: [price_coins]
      properties:
        price_coins: {type: integer, format: int64, minimum: 1, maximum: 100000000}
    BuyRoomNumber:
      type: object
      additionalProperties: false
      required: [number, idempotency_key]
      properties:
        number: {$ref: '#/components/schemas/RoomNumberText'}
        idempotency_key: {type: string, pattern: '^[\x21-\x7E]{1,48}$', description: 1-48 bytes of printable ASCII without spaces.}
    RoomNumber:
      type: object
      additionalProperties: false
      required: [number]
      properties:
        number: {$ref: '#/components/schemas/RoomNumberText'}
        room_id: {type: string, description: The room holding it (absent when free).}
        assigned_at: {$ref: '#/components/schemas/Millis'}
        frees_at:
          $ref: '#/components/schemas/Millis'
          description: While it cools down after a release - when it may be assigned again.
        price_coins: {type: integer, format: int64, minimum: 1, description: The price while listed for sale.}
    RoomNumberList:
      type: object
      additionalProperties: false
      required: [numbers, next]
      properties:
        numbers:
          type: array
          items: {$ref: '#/components/schemas/RoomNumber'}
        next:
          type: [string, 'null']
          description: The `after` of the next page; null on the last one.
    RoomNumberRelease:
      type: object
      additionalProperties: false
      required: [number, room_id, by, via, released_at, frees_at]
      properties:
        number: {$ref: '#/components/schemas/RoomNumberText'}
        room_id: {type: string}
        by: {type: string, description: Who released it.}
        via: {type: string, enum: [operator, replaced]}
        released_at: {$ref: '#/components/schemas/Millis'}
        frees_at: {$ref: '#/components/schemas/Millis'}
    RoomNumberPurchase:
      type: object
      additionalProperties: false
      required: [number, room_id, buyer_id, price_coins, transfer_id, assigned_at]
      properties:
        number: {$ref: '#/components/schemas/RoomNumberText'}
        room_id: {type: string}
        buyer_id: {type: string}
        price_coins: {type: integer, format: int64, minimum: 1}
        transfer_id: {type: string, description: 'The ledger transfer, `room-number:<buyer>:<key>`.'}
        assigned_at: {$ref: '#/components/schemas/Millis'}
        replaced: {type: string, description: The number the room held before, released by the purchase.}
    FollowState:
      type: object
      additionalProperties: false
      required: [streamer_id, following, followers]
      properties:
        streamer_id: {type: string}
        following: {type: boolean}
        since: {$ref: '#/components/schemas/Millis'}
        followers: {type: integer, minimum: 0}
    Danmaku:
      type: object
      additionalProperties: false
      required: [id, room, user_id, text, mode, color, score, at]
      properties:
        id: {type: integer, format: int64, description: Journal offset - the durable id and the log cursor.}
        room: {type: string}
        user_id: {type: string}
        text: {type: string}
        mode: {type: string, enum: [scroll, top, bottom]}
        color: {type: string, pattern: '^#[0-9A-Fa-f]{6}$'}
        score: {type: integer}
        at: {$ref: '#/components/schemas/Millis'}
        shows: {$ref: '#/components/schemas/Shows'}
        reviewed: {type: boolean, description: 'True for a message held for review and approved later (delivered late).'}
    HeldDanmaku:
      type: object
      additionalProperties: false
      required: [id, room, user_id, text, score, at]
      properties:
        id: {type: integer, format: int64, description: Journal offset of the held message.}
        room: {type: string}
        user_id: {type: string}
        text: {type: string}
        score: {type: integer}
        at: {$ref: '#/components/schemas/Millis'}
    HeldDanmakuPage:
      type: object
      additionalProperties: false
      required: [held, next]
      properties:
        held:
          type: array
          items: {$ref: '#/components/schemas/HeldDanmaku'}
        next: {type: integer, format: int64, minimum: 0, description: The `since` of the next page.}
    DanmakuReviewDecision:
      type: object
      additionalProperties: false
      required: [held_id, room, user_id, approved, decided_by, reason, decided_at]
      properties:
        held_id: {type: integer, format: int64}
        room: {type: string}
        user_id: {type: string}
        approved: {type: boolean}
        decided_by: {type: string}
        reason: {type: string}
        decided_at: {$ref: '#/components/schemas/Millis'}
        delivered_id: {type: integer, format: int64, description: For an approval, the journal offset of the delivered danmaku.}
    DanmakuPage:
      type: object
      additionalProperties: false
      required: [items, next]
      properties:
        items:
          type: array
          items: {$ref: '#/components/schemas/Danmaku'}
        next: {type: integer, format: int64, minimum: 0, description: The `since` of the next page.}
    MuteRequest:
      type: object
      additionalProperties: false
      required: [user_id, seconds]
      properties:
        user_id: {$ref: '#/components/schemas/UserID'}
        seconds: {type: integer, minimum: 1, maximum: 2592000}
    KeywordRule:
      type: object
      additionalProperties: false
      required: [word, category, action, score]
      properties:
        word: {type: string, minLength: 1, maxLength: 32, pattern: '^[^\x00-\x1F\x7F]*[^\x00-\x1F\x7F\s][^\x00-\x1F\x7F]*$', description: '1-32 characters, not blank; matched case-insensitively.'}
        category: {type: string, minLength: 1, maxLength: 32, pattern: '^[^\x00-\x1F\x7F]*$'}
        action: {type: string, enum: [block, mask, score]}
        score: {type: integer, minimum: 0, maximum: 1000}
    WordList:
      type: object
      additionalProperties: false
      required: [words]
      properties:
        words:
          type: array
          maxItems: 50000
          items: {$ref: '#/components/schemas/KeywordRule'}
    TextBody:
      type: object
      additionalProperties: false
      required: [text]
      properties:
        text: {type: string, minLength: 1, maxLength: 500, pattern: '^[^\x00-\x1F\x7F]*[^\x00-\x1F\x7F\s][^\x00-\x1F\x7F]*$', description: '1-500 characters, not blank.'}
    Delivered:
      type: object
      additionalProperties: false
      required: [rooms]
      properties:
        rooms: {type: integer, minimum: 0}
    GiftSplit:
      type: object
      additionalProperties: false
      required: [streamer_bp, guild_bp, platform_bp]
      description: Shares in basis points, non-negative, summing to 10000.
      properties:
        streamer_bp: {type: integer, format: int64, minimum: 0, maximum: 10000}
        guild_bp: {type: integer, format: int64, minimum: 0, maximum: 10000}
        platform_bp: {type: integer, format: int64, minimum: 0, maximum: 10000}
      examples:
        - {streamer_bp: 5000, guild_bp: 1000, platform_bp: 4000}
    GiftScope:
      type: object
      additionalProperties: false
      required: [kind, values]
      properties:
        kind: {type: string, enum: [all, rooms, categories]}
        values:
          type: array
          items: {type: string}
    Gift:
      type: object
      additionalProperties: false
      required: [id, version, name, price_coins, split, combo_window_seconds, scope, count_max, updated_at]
      properties:
        id: {type: string}
        version: {type: integer, format: int64, minimum: 1}
        name: {type: string}
        price_coins: {type: integer, format: int64, minimum: 1}
        split: {$ref: '#/components/schemas/GiftSplit'}
        effect_asset: {type: string}
        combo_window_seconds: {type: integer, format: int64, minimum: 0}
        scope: {$ref: '#/components/schemas/GiftScope'}
        count_max: {type: integer, format: int64, minimum: 1}
        enabled_from: {$ref: '#/components/schemas/Millis'}
        enabled_until: {$ref: '#/components/schemas/Millis'}
        updated_at: {$ref: '#/components/schemas/Millis'}
    GiftList:
      type: object
      additionalProperties: false
      required: [gifts]
      properties:
        gifts:
          type: array
          items: {$ref: '#/components/schemas/Gift'}
    GiftEdit:
      type: object
      additionalProperties: false
      required: [name, price_coins]
      description: Optional fields may also be null, which means the default. `rooms` and `categories` exclude each other.
      not: {required: [rooms, categories]}
      properties:
        name: {type: string, minLength: 1, maxLength: 40, pattern: '^[^\x00-\x1F\x7F]*[^\x00-\x1F\x7F\s][^\x00-\x1F\x7F]*$', description: 1-40 characters once spaces are trimmed.}
        price_coins: {type: integer, format: int64, minimum: 1, maximum: 100000000}
        split:
          oneOf:
            - {$ref: '#/components/schemas/GiftSplit'}
            - {type: 'null'}
        effect_asset:
          oneOf:
            - {$ref: '#/components/schemas/AssetID'}
            - {type: 'null'}
        combo_window_seconds: {type: [integer, 'null'], format: int64, minimum: 0, maximum: 3600}
        rooms:
          type: [array, 'null']
          minItems: 1
          maxItems: 1000
          items: {type: string, minLength: 1, maxLength: 64, pattern: '^[^\x00-\x1F\x7F]*$'}
          description: Offer only in these rooms (1-64 bytes each); exclusive with `categories`.
        categories:
          type: [array, 'null']
          minItems: 1
          maxItems: 1000
          items: {type: string, minLength: 1, maxLength: 64, pattern: '^[^\x00-\x1F\x7F]*$'}
          description: Offer only in rooms of these categories (1-64 bytes each); exclusive with `rooms`.
        count_max: {type: [integer, 'null'], format: int64, minimum: 1, maximum: 100000}
        enabled_from: {type: [integer, 'null'], format: int64, description: Offered from (ms since the epoch).}
        enabled_until: {type: [integer, 'null'], format: int64, description: 'Offered until (ms, exclusive); after `enabled_from`.'}
      examples:
        - {name: Rose, price_coins: 1}
    GiftSend:
      type: object
      additionalProperties: false
      required: [gift_id, count, idempotency_key]
      properties:
        gift_id: {type: string, pattern: '^[^\x00-\x1F\x7F]*$', examples: [rose]}
        count: {type: integer, format: int64, minimum: 1, maximum: 100000, description: 1 to the gift's `count_max`.}
        idempotency_key: {type: string, pattern: '^[\x21-\x7E]{1,88}$', description: '1-88 bytes of printable ASCII without spaces, unique per sender.'}
      examples:
        - {gift_id: rose, count: 1, idempotency_key: k1}
    GiftReceipt:
      type: object
      additionalProperties: false
      required: [send_id, room_id, sender_id, streamer_id, gift_id, gift_version, count, price_coins, total_coins,
                 streamer_revenue, guild_share, platform_fee, combo, balance_coins, transfer_ids, ledger_time]
      properties:
        send_id: {type: string}
        room_id: {type: string}
        sender_id: {type: string}
        streamer_id: {type: string}
        gift_id: {type: string}
        gift_version: {type: integer, format: int64}
        count: {type: integer, format: int64}
        price_coins: {type: integer, format: int64}
        total_coins: {type: integer, format: int64}
        streamer_revenue: {type: integer, format: int64}
        guild_share: {type: integer, format: int64}
        platform_fee: {type: integer, format: int64}
        combo: {type: integer, format: int64}
        balance_coins: {type: integer, format: int64}
        transfer_ids:
          type: array
          description: The ids of the gift's legs (`gift:<sender>:<key>:paid|fee|revenue|guild`), which the gift's journal row carries; history pages list them and reversals take them.
          items: {type: string}
        ledger_time: {type: integer, format: int64, description: Ledger time in microseconds.}
        guild_id: {type: string, description: "The guild whose account `guild_share` credited, under the streamer's guild contract that day; absent without one (the share then goes to the unassigned pool)."}
    RefundRequest:
      type: object
      additionalProperties: false
      required: [reason]
      properties:
        reason: {type: string, minLength: 1, maxLength: 200, pattern: '^[^\x00-\x1F\x7F]*$', description: 1-200 bytes.}
    GiftRefund:
      type: object
      additionalProperties: false
      required: [gift_offset, send_id, reason, by, reversed, manual]
      properties:
        gift_offset: {type: integer, format: int64}
        send_id: {type: string}
        reason: {type: string}
        by: {type: string}
        reversed:
          type: array
          items: {type: string}
          description: Reversal transfers written.
        manual:
          type: array
          items: {type: string}
          description: Step grants left for manual handling.
    Balances:
      type: object
      additionalProperties: false
      required: [balances]
      properties:
        balances:
          type: object
          additionalProperties: {type: integer, format: int64}
    AccountID:
      type: string
      pattern: '^((user|guild):[A-Za-z0-9_-]{1,64}|system:(payment_clearing|promotions|platform_fees|guild_shares|partner_clearing|gift_clearing|revenue_issuance|settlement_payouts)):[a-z][a-z0-9_]{0,31}$'
      description: '`user:<id>:<asset>`, `guild:<id>:<asset>` or `system:<name>:<asset>`.'
    Transfer:
      type: object
      additionalProperties: false
      required: [seq, id, debit, credit, asset, amount, code, memo, ts, kind]
      properties:
        seq: {type: integer, format: int64, minimum: 0}
        id: {type: string}
        debit: {type: string}
        credit: {type: string}
        asset: {type: string}
        amount: {type: integer, format: int64, minimum: 1}
        code: {type: string}
        memo: {type: string}
        ts: {type: integer, format: int64, description: Ledger time in microseconds.}
        kind: {type: string, enum: [posted, pending, post, void, expire]}
        pending_id: {type: string}
        reverses: {type: string}
        linked_batch: {type: string}
        expires_at: {type: integer, format: int64, description: For `pending` - the ledger time (microseconds) it expires at.}
        journal_offset: {type: integer, format: int64, description: 'For a gift''s leg, which lives in the gift''s journal row rather than in the transfer history - that row''s offset; such a leg has `seq` 0.'}
    TransferPage:
      type: object
      additionalProperties: false
      required: [transfers]
      properties:
        transfers:
          type: array
          items: {$ref: '#/components/schemas/Transfer'}
        next_cursor: {type: string, description: Absent on the last page.}
    PendingStatus:
      type: object
      additionalProperties: false
      required: [pending, state]
      properties:
        pending: {$ref: '#/components/schemas/Transfer'}
        state: {type: string, enum: [open, posted, voided, expired]}
        closed_by: {$ref: '#/components/schemas/Transfer'}
    PaymentCallback:
      type: object
      additionalProperties: false
      required: [order_id, user_id, amount_coins]
      properties:
        order_id:
          type: string
          pattern: '^[\x21-\x7E]{1,100}$'
          description: The provider's order id, 1-100 bytes of printable ASCII without spaces (it names the ledger transfer `topup:<order_id>`); other text is 400 `invalid_order_id`.
        user_id: {$ref: '#/components/schemas/UserID'}
        amount_coins: {type: integer, format: int64, minimum: 1, maximum: 100000000}
    TopUpReceipt:
      type: object
      additionalProperties: false
      required: [order_id, user_id, amount_coins, balance_coins, transfer_id]
      properties:
        order_id: {type: string}
        user_id: {type: string}
        amount_coins: {type: integer, format: int64}
        balance_coins: {type: integer, format: int64}
        transfer_id: {type: string}
    Grant:
      type: object
      additionalProperties: false
      required: [asset, amount, reason, idempotency_key]
      properties:
        asset: {$ref: '#/components/schemas/AssetID'}
        amount: {type: integer, format: int64, minimum: 1}
        reason: {$ref: '#/components/schemas/Reason'}
        idempotency_key: {$ref: '#/components/schemas/IdempotencyKey'}
      examples:
        - {asset: coins, amount: 100, reason: goodwill, idempotency_key: grant-1}
    ReasonBody:
      type: object
      additionalProperties: false
      required: [reason, idempotency_key]
      properties:
        reason: {$ref: '#/components/schemas/Reason'}
        idempotency_key: {$ref: '#/components/schemas/IdempotencyKey'}
    PendingCreate:
      type: object
      additionalProperties: false
      required: [debit, credit, asset, amount, timeout_millis, reason, idempotency_key]
      properties:
        debit: {$ref: '#/components/schemas/AccountID'}
        credit: {$ref: '#/components/schemas/AccountID'}
        asset: {$ref: '#/components/schemas/AssetID'}
        amount: {type: integer, format: int64, minimum: 1}
        timeout_millis: {type: integer, format: int64, minimum: 1, maximum: 2592000000}
        reason: {$ref: '#/components/schemas/Reason'}
        idempotency_key: {$ref: '#/components/schemas/IdempotencyKey'}
      examples:
        - {debit: 'user:viewer-1:coins', credit: 'system:promotions:coins', asset: coins, amount: 10,
           timeout_millis: 60000, reason: hold, idempotency_key: hold-1}
    PendingPost:
      type: object
      additionalProperties: false
      required: [reason, idempotency_key]
      properties:
        amount: {type: [integer, 'null'], format: int64, minimum: 1, description: At most the reserved amount; all of it when absent or null.}
        reason: {$ref: '#/components/schemas/Reason'}
        idempotency_key: {$ref: '#/components/schemas/IdempotencyKey'}
    ParkedEvent:
      type: object
      additionalProperties: false
      required: [id, consumer, offset, fact_index, type, error, attempts, parked_at, status]
      properties:
        id: {type: integer, format: int64}
        consumer: {type: string}
        offset: {type: integer, format: int64}
        fact_index: {type: integer, minimum: 0, description: 'The fact''s place in its journal row: 0, or its index among the facts of a packed row (derived facts such as `task_completed` are packed, many to a row).'}
        type: {type: string}
        error: {type: string}
        attempts: {type: integer}
        parked_at: {$ref: '#/components/schemas/Millis'}
        status: {type: string, enum: [parked, resolved]}
        resolved_at: {$ref: '#/components/schemas/Millis'}
    ParkedList:
      type: object
      additionalProperties: false
      required: [parked]
      properties:
        parked:
          type: array
          items: {$ref: '#/components/schemas/ParkedEvent'}
    Retried:
      type: object
      additionalProperties: false
      required: [resolved, event]
      properties:
        resolved: {type: boolean}
        event: {$ref: '#/components/schemas/ParkedEvent'}
    Lag:
      type: object
      additionalProperties: false
      required: [lag]
      properties:
        lag:
          type: object
          description: >-
            Journal rows after each consumer's cursor; 0 for a consumer of some types when none of
            those rows is of its types (its cursor may trail such rows by up to 4,096).
          additionalProperties: {type: integer, format: int64}
    ScriptProblem:
      type: object
      additionalProperties: false
      required: [path, message]
      properties:
        path: {type: string}
        line: {type: integer}
        message: {type: string}
    ReloadReport:
      type: object
      additionalProperties: false
      required: [ok, trigger, problems, at_millis, duration_millis]
      properties:
        ok: {type: boolean}
        trigger: {type: string, description: '`start`, `api`, `watch`, `cli` or `rollback`.'}
        generation: {type: string, description: Hash of the generation serving after it.}
        previous: {type: string, description: Hash serving before.}
        problems:
          type: array
          items: {$ref: '#/components/schemas/ScriptProblem'}
        at_millis: {$ref: '#/components/schemas/Millis'}
        duration_millis: {type: integer, format: int64, minimum: 0}
    GenerationRecord:
      type: object
      additionalProperties: false
      required: [hash, saved_at_millis, file_count]
      properties:
        hash: {type: string}
        saved_at_millis: {$ref: '#/components/schemas/Millis'}
        file_count: {type: integer, minimum: 0}
    Declaration:
      type: object
      additionalProperties: false
      required: [kind, id, path, handlers]
      properties:
        kind: {type: string}
        id: {type: string}
        title: {type: string}
        path: {type: string}
        handlers:
          type: array
          items: {type: string}
    ScriptsOverview:
      type: object
      additionalProperties: false
      required: [files, declarations, history]
      properties:
        generation: {type: string}
        files:
          type: array
          items: {type: string}
        declarations:
          type: array
          items: {$ref: '#/components/schemas/Declaration'}
        last_reload: {$ref: '#/components/schemas/ReloadReport'}
        history:
          type: array
          items: {$ref: '#/components/schemas/GenerationRecord'}
    Rollback:
      type: object
      additionalProperties: false
      properties:
        generation: {type: [string, 'null'], pattern: '^[^\x00-\x1F\x7F]*$', description: A kept generation's hash; the previous generation when absent or null.}
    RankedRow:
      type: object
      additionalProperties: false
      required: [rank, member, score, reached_at]
      properties:
        rank: {type: integer, minimum: 1}
        member: {type: string}
        score: {type: integer, format: int64}
        reached_at: {$ref: '#/components/schemas/Millis'}
    ActivitySummary:
      type: object
      additionalProperties: false
      required: [id, standing]
      properties:
        id: {type: string}
        title: {type: string}
        starts_at: {$ref: '#/components/schemas/Millis'}
        ends_at: {$ref: '#/components/schemas/Millis'}
        standing:
          type: object
          description: The caller's standing on each board in its current period (absent when not ranked).
          additionalProperties: {$ref: '#/components/schemas/RankedRow'}
    ActivityList:
      type: object
      additionalProperties: false
      required: [activities]
      properties:
        activities:
          type: array
          items: {$ref: '#/components/schemas/ActivitySummary'}
    Reward:
      oneOf:
        - type: object
          additionalProperties: false
          required: [kind, asset, amount]
          properties:
            kind: {type: string, const: asset}
            asset: {type: string}
            amount: {type: integer, format: int64, minimum: 1}
        - type: object
          additionalProperties: false
          required: [kind, name]
          properties:
            kind: {type: string, const: badge}
            name: {type: string}
        - type: object
          additionalProperties: false
          required: [kind, name, count]
          properties:
            kind: {type: string, const: item}
            name: {type: string}
            count: {type: integer, format: int64, minimum: 1}
    Odds:
      type: object
      additionalProperties: false
      required: [reward, weight, probability]
      properties:
        reward: {$ref: '#/components/schemas/Reward'}
        weight: {type: integer, format: int64, minimum: 1}
        probability: {type: number, minimum: 0, maximum: 1, description: 'weight / total, rounded to 6 places.'}
    ActivityDetail:
      type: object
      additionalProperties: false
      required: [id, live, leaderboards, chests, wheels]
      properties:
        id: {type: string}
        title: {type: string}
        starts_at: {$ref: '#/components/schemas/Millis'}
        ends_at: {$ref: '#/components/schemas/Millis'}
        live: {type: boolean}
        leaderboards:
          type: object
          additionalProperties:
            type: object
            additionalProperties: false
            required: [order, reset, period, periods, members]
            properties:
              order: {type: string}
              reset: {type: string}
              period: {type: string}
              periods:
                type: array
                items: {type: string}
              members: {type: integer, minimum: 0}
        chests:
          type: object
          additionalProperties:
            type: object
            additionalProperties: false
            required: [threshold, rewards]
            properties:
              title: {type: string}
              threshold: {type: integer, format: int64}
              rewards:
                type: array
                items: {$ref: '#/components/schemas/Odds'}
        wheels:
          type: object
          additionalProperties:
            type: object
            additionalProperties: false
            required: [asset, cost, rewards]
            properties:
              title: {type: string}
              asset: {type: string}
              cost: {type: integer, format: int64, minimum: 0}
              rewards:
                type: array
                items: {$ref: '#/components/schemas/Odds'}
    LeaderboardPage:
      type: object
      additionalProperties: false
      required: [activity, board, period, closed, members, rows, shows]
      properties:
        activity: {type: string}
        board: {type: string}
        period: {type: string}
        closed: {type: boolean}
        members: {type: integer, minimum: 0}
        rows:
          type: array
          items: {$ref: '#/components/schemas/RankedRow'}
        shows:
          type: object
          description: What ranked members show, by member (only members that show something).
          additionalProperties: {$ref: '#/components/schemas/Shows'}
    SpinRequest:
      type: object
      additionalProperties: false
      required: [idempotency_key]
      properties:
        idempotency_key: {type: string, minLength: 1, maxLength: 64, pattern: '^[^\x00-\x1F\x7F]*$', description: 1-64 bytes.}
    RewardRecord:
      type: object
      additionalProperties: false
      required: [kind, name, amount]
      properties:
        kind: {type: string, enum: [asset, badge, item]}
        name: {type: string}
        amount: {type: integer, format: int64}
    Spin:
      type: object
      additionalProperties: false
      required: [activity, wheel, draw, reward, cost, asset, balances]
      properties:
        activity: {type: string}
        wheel: {type: string}
        draw: {type: integer, format: int64, minimum: 1}
        reward: {$ref: '#/components/schemas/RewardRecord'}
        cost: {type: integer, format: int64}
        asset: {type: string}
        balances:
          type: object
          additionalProperties: {type: integer, format: int64}
    StageStatus:
      type: object
      additionalProperties: false
      required: [stage, goal, rewards, state]
      properties:
        stage: {type: integer, minimum: 1}
        goal: {type: integer, format: int64}
        title: {type: string}
        rewards:
          type: array
          items: {$ref: '#/components/schemas/Reward'}
        state: {type: string, enum: [in_progress, claimable, claimed]}
    TaskStatus:
      type: object
      additionalProperties: false
      required: [id, repeats, period, progress, stages]
      properties:
        id: {type: string}
        title: {type: string}
        repeats: {type: string}
        period: {type: string}
        progress: {type: integer, format: int64}
        stages:
          type: array
          items: {$ref: '#/components/schemas/StageStatus'}
    TaskList:
      type: object
      additionalProperties: false
      required: [tasks]
      properties:
        tasks:
          type: array
          items: {$ref: '#/components/schemas/TaskStatus'}
    ClaimRequest:
      type: object
      additionalProperties: false
      required: [stage]
      properties:
        stage: {type: integer, minimum: 1, description: 1 to the task's number of stages.}
      examples:
        - {stage: 1}
    TaskClaim:
      type: object
      additionalProperties: false
      required: [task, stage, period, rewards, balances]
      properties:
        task: {type: string}
        stage: {type: integer}
        period: {type: string}
        rewards:
          type: array
          items: {$ref: '#/components/schemas/Reward'}
        balances:
          type: object
          additionalProperties: {type: integer, format: int64}
    Inventory:
      type: object
      additionalProperties: false
      required: [badges, items]
      properties:
        badges:
          type: array
          items: {type: string}
        items:
          type: object
          additionalProperties: {type: integer, format: int64}
    PrivilegePrice:
      type: object
      additionalProperties: false
      required: [days, coins]
      properties:
        days: {type: integer, minimum: 1, maximum: 3650}
        coins: {type: integer, format: int64, minimum: 1, maximum: 10000000000}
    PrivilegeTier:
      type: object
      additionalProperties: false
      required: [id, title, prices]
      properties:
        id: {type: string, pattern: '^[a-z0-9_-]{1,64}$'}
        title: {type: string, minLength: 1, maxLength: 100}
        prices:
          type: array
          minItems: 1
          maxItems: 10
          items: {$ref: '#/components/schemas/PrivilegePrice'}
        badge: {type: string, pattern: '^[a-z0-9_-]{1,64}$', description: The badge a holder shows.}
        entry_effect: {type: string, pattern: '^[a-z0-9_-]{1,64}$', description: The effect a holder's arrival plays.}
        vehicle: {type: string, pattern: '^[a-z0-9_-]{1,64}$', description: Vehicles only - the animation.}
    PrivilegeKind:
      type: string
      enum: [vip, guard, vehicle]
    PrivilegeProductEdit:
      type: object
      additionalProperties: false
      required: [kind, title, priority, tiers]
      properties:
        kind: {$ref: '#/components/schemas/PrivilegeKind'}
        title: {type: string, minLength: 1, maxLength: 100}
        priority: {type: integer, minimum: 0, maximum: 1000000}
        streamer_share_bp: {type: integer, minimum: 0, maximum: 10000, description: Guards only.}
        tiers:
          type: array
          minItems: 1
          maxItems: 20
          items: {$ref: '#/components/schemas/PrivilegeTier'}
      examples:
        - kind: vip
          title: VIP
          priority: 10
          tiers:
            - {id: silver, title: Silver, badge: vip-silver, prices: [{days: 30, coins: 300}, {days: 90, coins: 810}]}
            - {id: gold, title: Gold, badge: vip-gold, entry_effect: gold-rain, prices: [{days: 30, coins: 900}]}
    PrivilegeProduct:
      type: object
      additionalProperties: false
      required: [id, kind, title, priority, tiers, version]
      properties:
        id: {type: string}
        kind: {$ref: '#/components/schemas/PrivilegeKind'}
        title: {type: string}
        priority: {type: integer}
        streamer_share_bp: {type: integer}
        tiers:
          type: array
          items: {$ref: '#/components/schemas/PrivilegeTier'}
        version: {type: integer, minimum: 1}
    PrivilegeProducts:
      type: object
      additionalProperties: false
      required: [products]
      properties:
        products:
          type: array
          items: {$ref: '#/components/schemas/PrivilegeProduct'}
    PurchaseRequest:
      type: object
      additionalProperties: false
      required: [product, tier, days, idempotency_key]
      properties:
        product: {type: string, pattern: '^[a-z0-9_-]{1,64}$'}
        tier: {type: string, pattern: '^[a-z0-9_-]{1,64}$'}
        days: {type: integer, minimum: 1, maximum: 3650}
        streamer_id: {$ref: '#/components/schemas/UserID'}
        idempotency_key: {$ref: '#/components/schemas/IdempotencyKey'}
      examples:
        - {product: guard, tier: captain, days: 30, streamer_id: streamer-ava, idempotency_key: guard-1}
    PrivilegePurchase:
      type: object
      additionalProperties: false
      required: [purchase_id, buyer_id, product, kind, tier, tier_rank, days, action, price_coins, credit_coins,
        charged_coins, streamer_share_coins, starts_at, expires_at, balance_coins, at]
      properties:
        purchase_id: {type: string, description: '`privilege:<buyer>:<idempotency_key>`; its ledger transfers'' ids start with it.'}
        buyer_id: {type: string}
        product: {type: string}
        kind: {$ref: '#/components/schemas/PrivilegeKind'}
        tier: {type: string}
        tier_rank: {type: integer, minimum: 1, description: 1 for the lowest tier.}
        days: {type: integer}
        streamer_id: {type: string}
        action: {type: string, enum: [new, renewal, upgrade]}
        price_coins: {type: integer, format: int64}
        credit_coins: {type: integer, format: int64, description: The unused lower tier's worth (upgrades).}
        charged_coins: {type: integer, format: int64}
        streamer_share_coins: {type: integer, format: int64}
        starts_at: {$ref: '#/components/schemas/Millis'}
        expires_at: {$ref: '#/components/schemas/Millis'}
        balance_coins: {type: integer, format: int64, description: The buyer's coins right after the purchase.}
        at: {$ref: '#/components/schemas/Millis'}
    Shows:
      type: object
      additionalProperties: false
      description: What a user shows; a field is absent when nothing shows.
      properties:
        badge: {type: string}
        entry_effect: {type: string}
        vehicle: {type: string}
        guard: {type: string, description: The guard tier held for this room's streamer.}
        vip: {type: integer, description: The tier's rank in the highest-priority VIP line held.}
        vip_line: {type: string}
        vip_tier: {type: string}
        medal:
          type: object
          additionalProperties: false
          required: [streamer_id, level]
          properties:
            streamer_id: {type: string}
            level: {type: integer}
    HeldPrivilege:
      type: object
      additionalProperties: false
      required: [product, kind, line, priority, tier, tier_rank, tier_title, started_at, expires_at]
      properties:
        product: {type: string}
        kind: {$ref: '#/components/schemas/PrivilegeKind'}
        line: {type: string, description: The product's title.}
        priority: {type: integer}
        tier: {type: string}
        tier_rank: {type: integer}
        tier_title: {type: string}
        streamer_id: {type: string}
        started_at: {$ref: '#/components/schemas/Millis'}
        expires_at: {$ref: '#/components/schemas/Millis'}
        badge: {type: string}
        entry_effect: {type: string}
        vehicle: {type: string}
    Holdings:
      type: object
      additionalProperties: false
      required: [user_id, privileges, shows]
      properties:
        user_id: {type: string}
        privileges:
          type: array
          items: {$ref: '#/components/schemas/HeldPrivilege'}
        shows: {$ref: '#/components/schemas/Shows'}
    FanMedal:
      type: object
      additionalProperties: false
      required: [viewer_id, streamer_id, level, points, today_points, first_at, updated_at, worn]
      properties:
        viewer_id: {type: string}
        streamer_id: {type: string}
        level: {type: integer, minimum: 0}
        points: {type: integer, format: int64, minimum: 0}
        today_points: {type: integer, format: int64, minimum: 0, description: Earned this operations day (what the daily cap counts).}
        first_at: {$ref: '#/components/schemas/Millis'}
        updated_at: {$ref: '#/components/schemas/Millis'}
        worn: {type: boolean}
    FanMedals:
      type: object
      additionalProperties: false
      required: [medals]
      properties:
        medals:
          type: array
          items: {$ref: '#/components/schemas/FanMedal'}
    RegisterPartner:
      type: object
      additionalProperties: false
      required: [id]
      properties:
        id: {type: string, pattern: '^[A-Za-z0-9_-]{1,32}$'}
        secret:
          type: string
          pattern: '^[\x21-\x7E]{32,256}$'
          description: 32-256 bytes of printable ASCII without spaces; generated when absent.
        name: {type: string, minLength: 1, maxLength: 100, description: 'One line; the id when absent.'}
        streamer_share_bp:
          type: integer
          format: int64
          minimum: 0
          maximum: 10000
          description: Basis points of a debit made in a room that its streamer receives as revenue; 0 when absent.
      examples:
        - {id: minigames, name: Mini games, streamer_share_bp: 1000}
    Partner:
      type: object
      additionalProperties: false
      required: [id, name, created_by, created_at, streamer_share_bp]
      properties:
        id: {type: string}
        name: {type: string}
        created_by: {type: string}
        created_at: {$ref: '#/components/schemas/Millis'}
        streamer_share_bp: {type: integer, format: int64}
    RegisteredPartner:
      type: object
      additionalProperties: false
      required: [id, name, created_by, created_at, streamer_share_bp, secret]
      properties:
        id: {type: string}
        name: {type: string}
        created_by: {type: string}
        created_at: {$ref: '#/components/schemas/Millis'}
        streamer_share_bp: {type: integer, format: int64}
        secret: {type: string, description: The signing secret; shown this once.}
    PartnerList:
      type: object
      additionalProperties: false
      required: [partners]
      properties:
        partners:
          type: array
          items: {$ref: '#/components/schemas/Partner'}
    PartnerKey:
      type: string
      pattern: '^[A-Za-z0-9._:-]{1,64}$'
    PartnerDebitRequest:
      type: object
      additionalProperties: false
      required: [partner_order_id, user_id, amount_coins]
      properties:
        partner_order_id: {$ref: '#/components/schemas/PartnerKey'}
        user_id: {$ref: '#/components/schemas/UserID'}
        amount_coins: {type: integer, format: int64, minimum: 1, maximum: 100000000}
        memo: {type: string, maxLength: 200, description: 'At most 200 bytes on one line.'}
        room_id: {type: string, description: 'The room the game was played in: its streamer receives the partner''s share.'}
      examples:
        - {partner_order_id: game-order-1, user_id: viewer-1, amount_coins: 10, memo: round 1}
    PartnerDebit:
      type: object
      additionalProperties: false
      required: [partner_id, partner_order_id, user_id, amount_coins, memo, transfer_id, debited_at]
      properties:
        partner_id: {type: string}
        partner_order_id: {type: string}
        user_id: {type: string}
        amount_coins: {type: integer, format: int64}
        memo: {type: string}
        transfer_id: {type: string, description: 'The ledger transfer, `partner:<partner>:<order>`.'}
        debited_at: {$ref: '#/components/schemas/Millis'}
        room_id: {type: string, description: The room the game was played in (absent without one).}
        streamer_id: {type: string, description: The room's streamer.}
        streamer_share: {type: integer, format: int64, description: 'Revenue issued to the streamer: the partner''s `streamer_share_bp` of the amount, rounded down.'}
    PartnerRefundRequest:
      type: object
      additionalProperties: false
      required: [refund_id, amount_coins]
      properties:
        refund_id: {$ref: '#/components/schemas/PartnerKey'}
        amount_coins: {type: integer, format: int64, minimum: 1, maximum: 100000000}
      examples:
        - {refund_id: game-refund-1, amount_coins: 5}
    PartnerRefund:
      type: object
      additionalProperties: false
      required: [partner_id, refund_id, partner_order_id, user_id, amount_coins, transfer_id, refunded_at]
      properties:
        partner_id: {type: string}
        refund_id: {type: string}
        partner_order_id: {type: string}
        user_id: {type: string}
        amount_coins: {type: integer, format: int64}
        transfer_id: {type: string, description: 'The ledger transfer, `partner-refund:<partner>:<refund>`.'}
        refunded_at: {$ref: '#/components/schemas/Millis'}
        streamer_id: {type: string, description: The order's streamer (absent when the order had no room).}
        streamer_share:
          type: integer
          format: int64
          description: Revenue taken back from the streamer, so that the order's refunds together take back the share of the coins refunded (rounded down).
    PartnerOrder:
      type: object
      additionalProperties: false
      required: [partner_order_id, user_id, memo, debited_coins, refunded_coins, state, transfer_id, debited_at, refunds]
      properties:
        partner_order_id: {type: string}
        user_id: {type: string}
        memo: {type: string}
        debited_coins: {type: integer, format: int64}
        refunded_coins: {type: integer, format: int64}
        state: {type: string, enum: [debited, partially_refunded, refunded]}
        transfer_id: {type: string}
        debited_at: {$ref: '#/components/schemas/Millis'}
        refunds:
          type: array
          items: {$ref: '#/components/schemas/PartnerRefund'}
        room_id: {type: string}
        streamer_id: {type: string}
        streamer_share: {type: integer, format: int64}
    PartnerMessageRequest:
      type: object
      additionalProperties: false
      required: [text]
      properties:
        to_user: {$ref: '#/components/schemas/UserID'}
        to_room: {type: string, description: A room id.}
        text: {type: string, minLength: 1, maxLength: 500}
      examples:
        - {to_room: lobby, text: 'Tournament starts in 5 minutes'}
    PartnerMessage:
      type: object
      additionalProperties: false
      required: [id, partner_id, text, sent_at]
      properties:
        id: {type: integer, format: int64, description: The journal offset of the `partner_message` fact.}
        partner_id: {type: string}
        to_user: {type: string}
        to_room: {type: string}
        text: {type: string}
        sent_at: {$ref: '#/components/schemas/Millis'}
        sockets_reached: {type: integer, description: 'For `to_user`: sockets of the user reached now.'}
    LiveSession:
      type: object
      additionalProperties: false
      required: [id, room_id, streamer_id, game, started_at]
      properties:
        id: {type: integer}
        room_id: {type: string}
        streamer_id: {type: string}
        game: {type: string}
        started_at: {$ref: '#/components/schemas/Millis'}
        ended_at: {$ref: '#/components/schemas/Millis'}
    LiveState:
      type: object
      additionalProperties: false
      required: [room_id, live]
      properties:
        room_id: {type: string}
        live: {type: boolean}
        session: {$ref: '#/components/schemas/LiveSession'}
    GateChoice:
      type: object
      additionalProperties: false
      required: [template, params]
      properties:
        template: {type: string}
        params:
          type: object
          additionalProperties:
            oneOf: [{type: integer}, {type: string}, {type: boolean}]
    QueueSettings:
      type: object
      additionalProperties: false
      required: [open, game, waiting_capacity, game_capacity]
      properties:
        open: {type: boolean}
        game: {type: string, minLength: 1, maxLength: 40}
        waiting_capacity: {type: integer, minimum: 1, maximum: 500}
        game_capacity: {type: integer, minimum: 1, maximum: 50}
        gate: {$ref: '#/components/schemas/GateChoice'}
      examples:
        - {open: true, game: chess, waiting_capacity: 20, game_capacity: 4, gate: {template: fan-medal, params: {level: 3}}}
    QueueMember:
      type: object
      additionalProperties: false
      required: [user_id, joined_at, seq]
      properties:
        user_id: {type: string}
        joined_at: {$ref: '#/components/schemas/Millis'}
        seq: {type: integer}
        shows: {$ref: '#/components/schemas/Shows'}
        game_account: {type: string, description: Only in the streamer's and operators' view.}
    QueueView:
      type: object
      additionalProperties: false
      required: [room_id, streamer_id, open, game, waiting_capacity, game_capacity, waiting, game_queue, version]
      properties:
        room_id: {type: string}
        streamer_id: {type: string}
        open: {type: boolean}
        game: {type: string}
        waiting_capacity: {type: integer}
        game_capacity: {type: integer}
        gate: {$ref: '#/components/schemas/GateChoice'}
        waiting:
          type: array
          items: {$ref: '#/components/schemas/QueueMember'}
        game_queue:
          type: array
          items: {$ref: '#/components/schemas/QueueMember'}
        version: {type: integer, description: 'One more on every change, settings and lists: a client keeps the frame with the highest.'}
    QueueFrameMember:
      type: object
      additionalProperties: false
      required: [user_id, joined_at, seq]
      properties:
        user_id: {type: string}
        joined_at: {$ref: '#/components/schemas/Millis'}
        seq: {type: integer}
    QueueFrame:
      type: object
      additionalProperties: false
      description: |
        What a change answers and pushes to the room as a `queue` frame, bounded whatever the
        queue's size: counts, the first 20 waiting members, the whole game list, and the change.
      required: [room_id, streamer_id, version, open, game, waiting_capacity, game_capacity, waiting_count, game_count,
        waiting, game_queue]
      properties:
        room_id: {type: string}
        streamer_id: {type: string}
        version: {type: integer, description: One more on every change; keep the frame with the highest.}
        open: {type: boolean}
        game: {type: string}
        waiting_capacity: {type: integer}
        game_capacity: {type: integer}
        waiting_count: {type: integer, minimum: 0}
        game_count: {type: integer, minimum: 0}
        waiting:
          type: array
          maxItems: 20
          items: {$ref: '#/components/schemas/QueueFrameMember'}
        game_queue:
          type: array
          items: {$ref: '#/components/schemas/QueueFrameMember'}
        change:
          type: object
          additionalProperties: false
          required: [action, actor]
          properties:
            action: {type: string, enum: [joined, left, removed, promoted, cleared]}
            user_id: {type: string}
            queue: {type: string, enum: [waiting, game]}
            actor: {type: string}
    GoodsEdit:
      type: object
      additionalProperties: false
      required: [title, game, region, price_tickets, details]
      properties:
        title: {type: string, minLength: 1, maxLength: 100}
        game: {type: string, minLength: 1, maxLength: 40}
        region: {type: string, minLength: 1, maxLength: 40}
        price_tickets: {type: integer, minimum: 1, maximum: 1000000}
        details: {type: string, maxLength: 2000}
        stock: {type: integer, minimum: 0, maximum: 1000000}
        for_viewer: {$ref: '#/components/schemas/UserID'}
        offer_expires_at: {$ref: '#/components/schemas/Millis'}
      examples:
        - {title: Rank boost, game: chess, region: eu, price_tickets: 30, details: Two games together}
    NewOrder:
      type: object
      additionalProperties: false
      required: [goods_id, idempotency_key]
      properties:
        goods_id: {type: integer, minimum: 1}
        idempotency_key: {type: string, minLength: 1, maxLength: 100, pattern: '^[!-~]+$'}
    OrderActionRequest:
      type: object
      additionalProperties: false
      required: [idempotency_key]
      properties:
        idempotency_key: {type: string, minLength: 1, maxLength: 100, pattern: '^[!-~]+$'}
        reason: {type: string, minLength: 1, maxLength: 200, description: 'Why (required for a forced transition).'}
        to: {type: string, description: 'The target state: for a forced transition only.'}
    Order:
      type: object
      additionalProperties: false
      required: [id, goods_id, title, viewer_id, streamer_id, price_tickets, machine, generation, state, code, external, final,
        version, hold_id, hold_expires_at, created_at, updated_at, entered_at]
      properties:
        id: {type: integer}
        goods_id: {type: integer}
        title: {type: string}
        viewer_id: {type: string}
        streamer_id: {type: string}
        price_tickets: {type: integer, minimum: 1}
        machine: {type: string, description: The order_machine script's id.}
        generation: {type: string, description: The script generation the order runs on (kept for its whole life).}
        state: {type: string}
        code: {type: integer, description: The state's internal code.}
        external: {type: string, description: The state's external code.}
        viewer_text: {type: string}
        streamer_text: {type: string}
        final: {type: boolean}
        settled: {type: string, enum: [post, void]}
        version: {type: integer, description: One more per change.}
        hold_id: {type: string, description: The pending transfer holding the price.}
        hold_expires_at: {$ref: '#/components/schemas/Millis'}
        due_at: {$ref: '#/components/schemas/Millis'}
        due_action: {type: string, description: The transition the state's timeout fires, as system.}
        created_at: {$ref: '#/components/schemas/Millis'}
        updated_at: {$ref: '#/components/schemas/Millis'}
        entered_at: {$ref: '#/components/schemas/Millis'}
    OrderChange:
      type: object
      additionalProperties: false
      required: [order_id, action, actor, actor_id, to, to_code, to_external, final, forced, version, at]
      properties:
        order_id: {type: integer}
        action: {type: string, description: '`create`, a transition''s name, or `force`.'}
        actor: {type: string, enum: [viewer, streamer, operator, system]}
        actor_id: {type: string}
        from: {type: string}
        to: {type: string}
        from_code: {type: integer}
        to_code: {type: integer}
        to_external: {type: string}
        final: {type: boolean}
        settle: {type: string, enum: [post, void]}
        revenue: {type: integer, description: Tickets issued to the streamer as revenue, on a post.}
        fee: {type: integer, description: The platform's fee, on a post.}
        forced: {type: boolean}
        reason: {type: string}
        version: {type: integer}
        at: {$ref: '#/components/schemas/Millis'}
        hook_error: {type: string, description: 'Why on_transition failed: the change stands, its effects do not.'}
    OrderActionResult:
      type: object
      additionalProperties: false
      required: [order, change]
      properties:
        order: {$ref: '#/components/schemas/Order'}
        change: {$ref: '#/components/schemas/OrderChange'}
    OrderPage:
      type: object
      additionalProperties: false
      required: [orders]
      properties:
        orders:
          type: array
          items: {$ref: '#/components/schemas/Order'}
        next_cursor: {type: string}
    OrderMachine:
      type: object
      additionalProperties: false
      required: [id, generation, initial, fee_bp, states, transitions, timeouts]
      properties:
        id: {type: string}
        generation: {type: string}
        initial: {type: string}
        fee_bp: {type: integer, minimum: 0, maximum: 10000}
        states:
          type: object
          additionalProperties:
            type: object
            additionalProperties: false
            required: [code, external, final]
            properties:
              code: {type: integer}
              external: {type: string}
              viewer: {type: string}
              streamer: {type: string}
              final: {type: boolean}
              settle: {type: string, enum: [post, void]}
        transitions:
          type: object
          additionalProperties:
            type: object
            additionalProperties: false
            required: [from, to, by]
            properties:
              from: {type: array, items: {type: string}}
              to: {type: string}
              by: {type: array, items: {type: string, enum: [viewer, streamer, operator, system]}}
        timeouts:
          type: object
          additionalProperties:
            type: object
            additionalProperties: false
            required: [after_ms, fire]
            properties:
              after_ms: {type: integer}
              fire: {type: string}
    Goods:
      type: object
      additionalProperties: false
      required: [id, streamer_id, goods, state, score, matched, version, created_at, updated_at]
      properties:
        id: {type: integer}
        streamer_id: {type: string}
        goods: {$ref: '#/components/schemas/GoodsEdit'}
        state: {type: string, enum: [draft, in_review, listed, rejected, delisted]}
        score: {type: integer}
        matched:
          type: array
          items: {type: string}
        reason: {type: string}
        version: {type: integer}
        created_at: {$ref: '#/components/schemas/Millis'}
        updated_at: {$ref: '#/components/schemas/Millis'}
    GoodsList:
      type: object
      additionalProperties: false
      required: [goods]
      properties:
        goods:
          type: array
          items: {$ref: '#/components/schemas/Goods'}
    GoodsReviewSettings:
      type: object
      additionalProperties: false
      required: [words, reject_threshold, review_threshold]
      properties:
        words:
          type: array
          maxItems: 10000
          items:
            type: object
            additionalProperties: false
            required: [word, weight]
            properties:
              word: {type: string, minLength: 1, maxLength: 32}
              weight: {type: integer, minimum: 1, maximum: 1000}
        reject_threshold: {type: integer, minimum: 1, maximum: 1000000}
        review_threshold: {type: integer, minimum: 1, maximum: 1000000}
    ScriptsTestStart:
      type: object
      additionalProperties: false
      properties:
        filter: {type: string, minLength: 1, maxLength: 200, description: Run only the cases whose name or file path contains this text (at most 200 UTF-8 bytes, no control characters).}
    ReplayStart:
      type: object
      additionalProperties: false
      required: [from, to]
      description: At most 31 days (`to - from`).
      properties:
        from: {type: integer, format: int64, minimum: 0, description: Window start, ms since the Unix epoch.}
        to: {type: integer, format: int64, minimum: 1, description: Window end (exclusive), after `from`.}
    JobList:
      type: object
      additionalProperties: false
      required: [jobs]
      properties:
        jobs:
          type: array
          items: {$ref: '#/components/schemas/Job'}
    Job:
      type: object
      additionalProperties: false
      required: [id, kind, state, started_at]
      properties:
        id: {type: string}
        kind: {type: string, enum: [scripts-test, replay, reconcile, settle-run]}
        state: {type: string, enum: [running, succeeded, failed]}
        started_at: {$ref: '#/components/schemas/Millis'}
        finished_at: {$ref: '#/components/schemas/Millis'}
        progress:
          type: object
          additionalProperties: false
          required: [done, total]
          description: The last progress the job reported (`settle-run`, statements).
          properties:
            done: {type: integer, minimum: 0}
            total: {type: integer, minimum: 0}
        result:
          description: Once it succeeded, by kind.
          oneOf:
            - {$ref: '#/components/schemas/ScriptTestReport'}
            - {$ref: '#/components/schemas/ReplayOutcome'}
            - {$ref: '#/components/schemas/ReconcileResult'}
            - {$ref: '#/components/schemas/SettleRunResult'}
        error: {$ref: '#/components/schemas/JobError'}
    SettleRunStart:
      type: object
      additionalProperties: false
      required: [month]
      properties:
        month: {type: string, pattern: '^2[0-9]{3}-(0[1-9]|1[0-2])$', description: '`YYYY-MM`.'}
    SettleRunResult:
      type: object
      additionalProperties: false
      required: [month, state, streamers, guilds, total, payouts]
      properties:
        month: {type: string}
        state: {type: string, enum: [open, calculating, pending_review, confirmed, paid]}
        streamers: {type: integer, minimum: 0, description: Streamer statements drafted.}
        guilds: {type: integer, minimum: 0, description: Guild statements drafted.}
        total: {type: integer, description: Sum of the statements' totals.}
        payouts: {type: integer, description: Sum of the statements' payouts.}
        inputs_hash: {type: string}
        policy_generation: {type: string}
    JobError:
      type: object
      additionalProperties: false
      required: [code, message]
      properties:
        code: {type: string, description: '`scripts_invalid` (with the problems), or the error code of what failed.'}
        message: {type: string}
        problems:
          type: array
          items: {$ref: '#/components/schemas/ScriptProblem'}
    ScriptTestReport:
      type: object
      additionalProperties: false
      required: [ok, passed, failed, files, summary, results]
      properties:
        ok: {type: boolean}
        passed: {type: integer, minimum: 0}
        failed: {type: integer, minimum: 0}
        files: {type: integer, minimum: 0}
        summary: {type: string, description: '`12 passed, 1 failed (4 test files)`.'}
        results:
          type: array
          items: {$ref: '#/components/schemas/ScriptTestCase'}
    ScriptTestCase:
      type: object
      additionalProperties: false
      required: [file, name, status, line, output, duration_millis]
      properties:
        file: {type: string}
        name: {type: string}
        status: {type: string, enum: [passed, failed, errored]}
        line: {type: string, description: '`ok   <file>: <name>` or `FAIL <path>:<line>: <name>: <message>`.'}
        problem: {$ref: '#/components/schemas/ScriptProblem'}
        output:
          type: array
          items: {type: string}
        duration_millis: {type: integer, format: int64, minimum: 0}
    ReplayOutcome:
      type: object
      additionalProperties: false
      required: [from, to, entries, candidate_generation, candidate, live, errors]
      properties:
        from: {$ref: '#/components/schemas/Millis'}
        to: {$ref: '#/components/schemas/Millis'}
        entries: {type: integer, minimum: 0, description: Journal entries in the window.}
        candidate_generation: {type: string}
        candidate: {$ref: '#/components/schemas/ReplaySide'}
        live: {$ref: '#/components/schemas/ReplaySide'}
        errors:
          type: array
          description: Handler failures of the candidate (entries it would have parked), first 20.
          items: {type: string}
    ReplaySide:
      type: object
      additionalProperties: false
      required: [boards, rewards, completions]
      properties:
        boards:
          type: array
          items:
            type: object
            additionalProperties: false
            required: [activity, board, period, members, rows]
            properties:
              activity: {type: string}
              board: {type: string}
              period: {type: string}
              members: {type: integer, minimum: 0}
              rows:
                type: array
                items: {$ref: '#/components/schemas/RankedRow'}
        rewards:
          type: array
          items:
            type: object
            additionalProperties: false
            required: [user, asset, amount, transfers]
            properties:
              user: {type: string}
              asset: {type: string}
              amount: {type: integer, format: int64}
              transfers: {type: integer, minimum: 0}
        completions:
          type: array
          items:
            type: object
            additionalProperties: false
            required: [task, stage, users]
            properties:
              task: {type: string}
              stage: {type: integer}
              users: {type: integer, minimum: 0}
    ReconcileResult:
      type: object
      additionalProperties: false
      required: [clean, ledger, gifts, orders, consumers]
      properties:
        clean: {type: boolean, description: No violation anywhere and every consumer caught up.}
        ledger:
          type: object
          additionalProperties: false
          required: [violations, transfers, accounts]
          properties:
            violations:
              type: array
              items:
                type: object
                additionalProperties: false
                required: [code, detail]
                properties:
                  code: {type: string}
                  detail: {type: string}
            transfers: {type: integer, minimum: 0}
            accounts: {type: integer, minimum: 0}
        gifts:
          type: array
          description: Gift sends whose transfers do not match.
          items: {type: string}
        orders:
          type: object
          additionalProperties: false
          required: [orders, held, posted, voided, open, violations]
          properties:
            orders: {type: integer, minimum: 0}
            held: {type: integer, format: int64}
            posted: {type: integer, format: int64}
            voided: {type: integer, format: int64}
            open: {type: integer, format: int64}
            violations:
              type: array
              items: {type: string}
        consumers:
          type: array
          items:
            type: object
            additionalProperties: false
            required: [consumer, behind]
            properties:
              consumer: {type: string}
              behind: {type: integer, format: int64}

"""#
}
