/* WebSocket subscriber load client for the realtime benchmark, in C so the client is not the
 * ceiling: one thread, epoll, non-blocking sockets. Opens --conns WebSocket connections to
 * ws://HOST:PORT/PATH, reads every frame and counts, per step, the frames whose text carries
 * "t=<CLOCK_MONOTONIC ns> s=<step>" (several per frame are counted each), with a latency
 * histogram (50 us buckets) of receive time minus t. Pings showrunner ({"type":"ping"}) every
 * --ping seconds per connection so the idle timeout does not close it.
 *
 * Driven by wsload.py over stdin/stdout: prints "ready <open>" once connected; on a "status"
 * line prints "open <n>"; on "done" (or end of input) prints one JSON line with counts,
 * histograms and closes, then exits.
 *
 *   cc -O2 -o wssub wssub.c
 *   wssub --port 8090 --path /v1/rooms/bench/ws --conns 1000 [--host 127.0.0.1] [--ping 20]
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define STEPS 64
#define BUCKET_NS 50000LL           /* 50 us */
#define BUCKETS 200000              /* 10 s */
#define READ_BYTES (256 * 1024)
#define KEEP_MAX (1 << 20)          /* largest frame we keep across reads */

enum { CONNECTING, HANDSHAKE, OPEN, CLOSED };

typedef struct {
    int fd, state, close_code;
    unsigned char *keep;            /* bytes of an unfinished frame or header */
    size_t kept, cap;
    int64_t next_ping;
} conn_t;

static conn_t *conns;
static int nconns, opened;
static uint64_t counts[STEPS], frames, bytes_in;
static uint32_t *hist[STEPS];
static int64_t ping_ns;
static unsigned char readbuf[READ_BYTES];

static int64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void count_payload(const unsigned char *p, size_t n, int64_t now) {
    /* Every "t=<digits> s=<digits>" in the payload is one event. */
    for (size_t i = 0; i + 2 < n; i++) {
        if (p[i] != 't' || p[i + 1] != '=') continue;
        size_t j = i + 2;
        int64_t t = 0;
        while (j < n && p[j] >= '0' && p[j] <= '9') t = t * 10 + (p[j++] - '0');
        if (j + 3 > n || p[j] != ' ' || p[j + 1] != 's' || p[j + 2] != '=') continue;
        j += 3;
        int step = 0;
        while (j < n && p[j] >= '0' && p[j] <= '9') step = step * 10 + (p[j++] - '0');
        if (step < 0 || step >= STEPS) continue;
        counts[step]++;
        int64_t b = (now - t) / BUCKET_NS;
        if (b < 0) b = 0;
        if (b >= BUCKETS) b = BUCKETS - 1;
        if (!hist[step]) hist[step] = calloc(BUCKETS, sizeof(uint32_t));
        hist[step][b]++;
        i = j - 1;
    }
}

static void send_all(conn_t *c, const void *data, size_t n) {
    /* Small client frames on a socket that is never full in practice; a short write is a loss of
     * one ping, never a hang. */
    ssize_t w = send(c->fd, data, n, MSG_NOSIGNAL);
    (void)w;
}

static void send_ping(conn_t *c) {
    static const char body[] = "{\"type\":\"ping\"}";
    unsigned char frame[6 + sizeof(body)];
    size_t n = sizeof(body) - 1;
    frame[0] = 0x81;
    frame[1] = 0x80 | (unsigned char)n;
    memset(frame + 2, 0, 4); /* zero mask key: payload goes as is */
    memcpy(frame + 6, body, n);
    send_all(c, frame, 6 + n);
}

static void mark_closed(conn_t *c, int code) {
    if (c->state == CLOSED) return;
    if (c->state == OPEN) opened--;
    c->state = CLOSED;
    c->close_code = code;
    close(c->fd);
}

/* Parses whole frames from buf[0..n); returns bytes consumed. */
static size_t parse_frames(conn_t *c, const unsigned char *buf, size_t n, int64_t now) {
    size_t at = 0;
    while (n - at >= 2) {
        const unsigned char *h = buf + at;
        int opcode = h[0] & 0x0f;
        uint64_t len = h[1] & 0x7f;
        size_t head = 2;
        if (len == 126) {
            if (n - at < 4) break;
            len = ((uint64_t)h[2] << 8) | h[3];
            head = 4;
        } else if (len == 127) {
            if (n - at < 10) break;
            len = 0;
            for (int i = 0; i < 8; i++) len = (len << 8) | h[2 + i];
            head = 10;
        }
        if (h[1] & 0x80) head += 4; /* servers do not mask; tolerate it */
        if (n - at < head + len) break;
        const unsigned char *p = h + head;
        frames++;
        if (opcode == 0x8) {
            int code = len >= 2 ? (p[0] << 8) | p[1] : 1005;
            mark_closed(c, code);
            return n;
        }
        if (opcode == 0x9) { /* ping: answer pong with the same payload (<= 125 bytes) */
            unsigned char pong[6 + 125];
            size_t m = len > 125 ? 125 : (size_t)len;
            pong[0] = 0x8a;
            pong[1] = 0x80 | (unsigned char)m;
            memset(pong + 2, 0, 4);
            memcpy(pong + 6, p, m);
            send_all(c, pong, 6 + m);
        } else if (opcode == 0x1 || opcode == 0x0 || opcode == 0x2) {
            count_payload(p, (size_t)len, now);
        }
        at += head + len;
    }
    return at;
}

static void on_readable(conn_t *c) {
    for (;;) {
        ssize_t r = recv(c->fd, readbuf, sizeof readbuf, 0);
        if (r == 0) { mark_closed(c, 1006); return; }
        if (r < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK) return;
            if (errno == EINTR) continue;
            mark_closed(c, 1006);
            return;
        }
        bytes_in += (uint64_t)r;
        int64_t now = now_ns();
        const unsigned char *data = readbuf;
        size_t n = (size_t)r;
        if (c->state == HANDSHAKE) {
            /* The 101 answer ends with CRLFCRLF; frames may follow in the same read. */
            size_t need = c->kept + n;
            if (need > c->cap) { c->cap = need; c->keep = realloc(c->keep, c->cap); }
            memcpy(c->keep + c->kept, data, n);
            c->kept = need;
            unsigned char *end = memmem(c->keep, c->kept, "\r\n\r\n", 4);
            if (!end) {
                if (c->kept > 8192) mark_closed(c, -1);
                continue;
            }
            if (c->kept < 12 || memcmp(c->keep + 9, "101", 3) != 0) { mark_closed(c, -1); return; }
            size_t rest = c->kept - (size_t)(end + 4 - c->keep);
            memmove(c->keep, end + 4, rest);
            c->kept = rest;
            c->state = OPEN;
            opened++;
            if (c->kept) {
                size_t used = parse_frames(c, c->keep, c->kept, now);
                if (c->state == CLOSED) return;
                memmove(c->keep, c->keep + used, c->kept - used);
                c->kept -= used;
            }
            continue;
        }
        if (c->kept) {
            /* Finish the frame left over from the last read first. */
            size_t need = c->kept + n;
            if (need > KEEP_MAX + READ_BYTES) { mark_closed(c, -2); return; }
            if (need > c->cap) { c->cap = need; c->keep = realloc(c->keep, c->cap); }
            memcpy(c->keep + c->kept, data, n);
            c->kept = need;
            size_t used = parse_frames(c, c->keep, c->kept, now);
            if (c->state == CLOSED) return;
            memmove(c->keep, c->keep + used, c->kept - used);
            c->kept -= used;
            continue;
        }
        size_t used = parse_frames(c, data, n, now);
        if (c->state == CLOSED) return;
        if (used < n) {
            size_t rest = n - used;
            if (rest > c->cap) { c->cap = rest < 4096 ? 4096 : rest; c->keep = realloc(c->keep, c->cap); }
            memcpy(c->keep, data + used, rest);
            c->kept = rest;
        }
    }
}

static void start_connect(conn_t *c, struct sockaddr_in *addr, int ep, int index) {
    c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    if (c->fd < 0) { perror("socket"); exit(1); }
    int one = 1;
    setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    c->state = CONNECTING;
    if (connect(c->fd, (struct sockaddr *)addr, sizeof *addr) < 0 && errno != EINPROGRESS) {
        mark_closed(c, -3);
        return;
    }
    struct epoll_event ev = {.events = EPOLLIN | EPOLLOUT, .data.u32 = (uint32_t)index};
    epoll_ctl(ep, EPOLL_CTL_ADD, c->fd, &ev);
}

static void print_results(void) {
    int closed = 0;
    printf("{\"open\":%d,\"frames\":%llu,\"bytes\":%llu,\"counts\":{", opened, (unsigned long long)frames,
           (unsigned long long)bytes_in);
    int first = 1;
    for (int s = 0; s < STEPS; s++) {
        if (!counts[s]) continue;
        printf("%s\"%d\":%llu", first ? "" : ",", s, (unsigned long long)counts[s]);
        first = 0;
    }
    printf("},\"hist_us\":%lld,\"hist\":{", BUCKET_NS / 1000);
    first = 1;
    for (int s = 0; s < STEPS; s++) {
        if (!hist[s]) continue;
        printf("%s\"%d\":[", first ? "" : ",", s);
        first = 0;
        int f2 = 1;
        for (int b = 0; b < BUCKETS; b++) {
            if (!hist[s][b]) continue;
            printf("%s[%d,%u]", f2 ? "" : ",", b, hist[s][b]);
            f2 = 0;
        }
        printf("]");
    }
    printf("},\"codes\":[");
    first = 1;
    int seen[8] = {0}, nseen = 0;
    for (int i = 0; i < nconns; i++) {
        if (conns[i].state != CLOSED) continue;
        closed++;
        int code = conns[i].close_code, dup = 0;
        for (int k = 0; k < nseen; k++) dup |= seen[k] == code;
        if (dup || nseen == 8) continue;
        seen[nseen++] = code;
        printf("%s%d", first ? "" : ",", code);
        first = 0;
    }
    printf("],\"closed\":%d}\n", closed);
    fflush(stdout);
}

int main(int argc, char **argv) {
    const char *host = "127.0.0.1", *path = "/";
    int port = 8090, ping = 20, batch = 200;
    nconns = 1000;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--host")) host = argv[i + 1];
        else if (!strcmp(argv[i], "--port")) port = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--path")) path = argv[i + 1];
        else if (!strcmp(argv[i], "--conns")) nconns = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--ping")) ping = atoi(argv[i + 1]);
        else { fprintf(stderr, "unknown option %s\n", argv[i]); return 2; }
    }
    ping_ns = (int64_t)ping * 1000000000LL;
    conns = calloc((size_t)nconns, sizeof(conn_t));
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    inet_pton(AF_INET, host, &addr.sin_addr);
    char request[1024];
    int reqlen = snprintf(request, sizeof request,
        "GET %s HTTP/1.1\r\nHost: %s:%d\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n", path, host, port);
    int ep = epoll_create1(0);
    struct epoll_event events[1024];
    fcntl(0, F_SETFL, fcntl(0, F_GETFL) | O_NONBLOCK);
    struct epoll_event inev = {.events = EPOLLIN, .data.u32 = UINT32_MAX};
    epoll_ctl(ep, EPOLL_CTL_ADD, 0, &inev);

    int started = 0, pending = 0, ready = 0;
    int64_t t0 = now_ns(), last_ping_scan = t0;
    char line[256];
    size_t linelen = 0;
    for (;;) {
        while (started < nconns && pending < batch) {
            start_connect(&conns[started], &addr, ep, started);
            /* Spread the pings over the period so they do not arrive together. */
            conns[started].next_ping = t0 + ping_ns / 2 + (ping_ns / 2) * started / (nconns ? nconns : 1);
            if (conns[started].state != CLOSED) pending++;
            started++;
        }
        int n = epoll_wait(ep, events, 1024, 100);
        for (int e = 0; e < n; e++) {
            uint32_t idx = events[e].data.u32;
            if (idx == UINT32_MAX) {
                ssize_t r;
                while ((r = read(0, line + linelen, sizeof line - 1 - linelen)) > 0) linelen += (size_t)r;
                int eof = r == 0;
                char *nl;
                while ((nl = memchr(line, '\n', linelen))) {
                    *nl = 0;
                    if (!strcmp(line, "status")) { printf("open %d\n", opened); fflush(stdout); }
                    else if (!strcmp(line, "done")) { print_results(); return 0; }
                    size_t used = (size_t)(nl + 1 - line);
                    memmove(line, nl + 1, linelen - used);
                    linelen -= used;
                }
                if (eof) { print_results(); return 0; }
                continue;
            }
            conn_t *c = &conns[idx];
            if (c->state == CLOSED) continue;
            if (c->state == CONNECTING) {
                if (events[e].events & (EPOLLERR | EPOLLHUP)) { mark_closed(c, -3); pending--; continue; }
                if (!(events[e].events & EPOLLOUT)) continue;
                c->state = HANDSHAKE;
                send_all(c, request, (size_t)reqlen);
                struct epoll_event ev = {.events = EPOLLIN, .data.u32 = idx};
                epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
                continue;
            }
            int was = c->state;
            on_readable(c);
            if (was == HANDSHAKE && c->state != HANDSHAKE) pending--;
        }
        if (!ready && started == nconns && pending == 0) {
            ready = 1;
            printf("ready %d\n", opened);
            fflush(stdout);
        }
        int64_t now = now_ns();
        if (ping > 0 && now - last_ping_scan > 100000000LL) {
            last_ping_scan = now;
            for (int i = 0; i < started; i++) {
                if (conns[i].state == OPEN && now >= conns[i].next_ping) {
                    send_ping(&conns[i]);
                    conns[i].next_ping = now + ping_ns;
                }
            }
        }
    }
}
