/* The ceiling for the realtime benchmark: the least a WebSocket fan-out server can do, over raw
 * sockets, one thread, epoll. WebSocket subscribers on any GET path (RFC 6455 handshake); a
 * publisher POSTs a message body to any other path (keep-alive HTTP/1.1), answered 200 at once.
 * Each message is framed once; all messages that arrive in one pass of the event loop go to every
 * subscriber in one write (--per-message: one write per message and subscriber instead). No
 * history, no authentication, no JSON: only the bytes the kernel has to move.
 *
 *   cc -O2 -o wsceil wsceil.c -lcrypto
 *   wsceil --port 8092 [--per-message]
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#define PENDING_MAX (8 << 20)

enum { HTTP, SUB };

typedef struct {
    int fd, kind, open;
    char *in;                 /* HTTP request bytes not yet handled */
    size_t inlen, incap;
    char *out;                /* bytes the socket did not take yet */
    size_t outlen, outcap;
} conn_t;

static conn_t **subs;
static size_t nsubs, subcap;
static char *round_buf;
static size_t round_len, round_cap;
static int per_message, ep;
static conn_t **dead;             /* closed this pass; freed after it (events may still name them) */
static size_t ndead, deadcap;

static void append(char **buf, size_t *len, size_t *cap, const void *data, size_t n) {
    if (*len + n > *cap) {
        *cap = (*len + n) * 2;
        *buf = realloc(*buf, *cap);
    }
    memcpy(*buf + *len, data, n);
    *len += n;
}

static void drop(conn_t *c) {
    if (!c->open) return;
    c->open = 0;
    close(c->fd);
    if (c->kind == SUB) {
        for (size_t i = 0; i < nsubs; i++)
            if (subs[i] == c) { subs[i] = subs[--nsubs]; break; }
    }
    if (ndead == deadcap) { deadcap = deadcap ? deadcap * 2 : 256; dead = realloc(dead, deadcap * sizeof *dead); }
    dead[ndead++] = c;
}

/* Writes data to a subscriber after whatever it still owes; keeps the rest. */
static void deliver(conn_t *c, const char *data, size_t n) {
    if (c->outlen) {
        if (c->outlen + n > PENDING_MAX) { drop(c); return; }
        append(&c->out, &c->outlen, &c->outcap, data, n);
        return;
    }
    ssize_t w = send(c->fd, data, n, MSG_NOSIGNAL);
    if (w < 0) {
        if (errno != EAGAIN && errno != EWOULDBLOCK) { drop(c); return; }
        w = 0;
    }
    if ((size_t)w < n) {
        append(&c->out, &c->outlen, &c->outcap, data + w, n - (size_t)w);
        struct epoll_event ev = {.events = EPOLLIN | EPOLLOUT, .data.ptr = c};
        epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
    }
}

static void flush_pending(conn_t *c) {
    while (c->outlen) {
        ssize_t w = send(c->fd, c->out, c->outlen, MSG_NOSIGNAL);
        if (w < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK) return;
            drop(c);
            return;
        }
        memmove(c->out, c->out + w, c->outlen - (size_t)w);
        c->outlen -= (size_t)w;
    }
    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = c};
    epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
}

static void publish(const char *body, size_t n) {
    unsigned char head[10];
    size_t h = 2;
    head[0] = 0x81;
    if (n < 126) head[1] = (unsigned char)n;
    else if (n < 65536) { head[1] = 126; head[2] = (unsigned char)(n >> 8); head[3] = (unsigned char)n; h = 4; }
    else { head[1] = 127; for (int i = 0; i < 8; i++) head[2 + i] = (unsigned char)((uint64_t)n >> (56 - 8 * i)); h = 10; }
    if (per_message) {
        char *frame = malloc(h + n);
        memcpy(frame, head, h);
        memcpy(frame + h, body, n);
        for (size_t i = nsubs; i-- > 0;) deliver(subs[i], frame, h + n);
        free(frame);
        return;
    }
    append(&round_buf, &round_len, &round_cap, head, h);
    append(&round_buf, &round_len, &round_cap, body, n);
}

static const char *header(const char *req, size_t len, const char *name) {
    size_t k = strlen(name);
    for (const char *p = req; p + k < req + len; p++) {
        if ((p == req || p[-1] == '\n') && !strncasecmp(p, name, k)) {
            p += k;
            while (*p == ' ') p++;
            return p;
        }
    }
    return NULL;
}

static void upgrade(conn_t *c, const char *req, size_t len) {
    const char *key = header(req, len, "sec-websocket-key:");
    if (!key) { drop(c); return; }
    size_t k = strcspn(key, "\r\n");
    char joined[128];
    int m = snprintf(joined, sizeof joined, "%.*s258EAFA5-E914-47DA-95CA-C5AB0DC85B11", (int)k, key);
    unsigned char digest[SHA_DIGEST_LENGTH];
    SHA1((unsigned char *)joined, (size_t)m, digest);
    unsigned char accept[64];
    EVP_EncodeBlock(accept, digest, SHA_DIGEST_LENGTH);
    char answer[256];
    int n = snprintf(answer, sizeof answer,
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        "Sec-WebSocket-Accept: %s\r\n\r\n", accept);
    c->kind = SUB;
    if (nsubs == subcap) { subcap = subcap ? subcap * 2 : 1024; subs = realloc(subs, subcap * sizeof *subs); }
    subs[nsubs++] = c;
    deliver(c, answer, (size_t)n);
}

static void on_http(conn_t *c) {
    for (;;) {
        char *end = memmem(c->in, c->inlen, "\r\n\r\n", 4);
        if (!end) return;
        size_t headlen = (size_t)(end + 4 - c->in);
        if (!strncmp(c->in, "GET ", 4)) {
            upgrade(c, c->in, headlen);
            return;
        }
        const char *cl = header(c->in, headlen, "content-length:");
        size_t body = cl ? strtoul(cl, NULL, 10) : 0;
        if (c->inlen < headlen + body) return;
        publish(c->in + headlen, body);
        static const char ok[] = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
        if (send(c->fd, ok, sizeof ok - 1, MSG_NOSIGNAL) < 0) { drop(c); return; }
        memmove(c->in, c->in + headlen + body, c->inlen - headlen - body);
        c->inlen -= headlen + body;
    }
}

static void on_readable(conn_t *c) {
    char buf[65536];
    for (;;) {
        ssize_t r = recv(c->fd, buf, sizeof buf, 0);
        if (r == 0) { drop(c); return; }
        if (r < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK) break;
            if (errno == EINTR) continue;
            drop(c);
            return;
        }
        if (c->kind == SUB) continue; /* client frames (pings, close) are read and ignored */
        append(&c->in, &c->inlen, &c->incap, buf, (size_t)r);
        if (c->inlen > (1 << 20)) { drop(c); return; }
    }
    if (c->kind == HTTP) on_http(c);
}

int main(int argc, char **argv) {
    int port = 8092;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--port") && i + 1 < argc) port = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--per-message")) per_message = 1;
        else { fprintf(stderr, "unknown option %s\n", argv[i]); return 2; }
    }
    /* A parent may hand down a blocked SIGTERM (the Swift harness does): unblock, so stop works. */
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    signal(SIGPIPE, SIG_IGN);
    int lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0), one = 1;
    setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
    if (bind(lfd, (struct sockaddr *)&addr, sizeof addr) < 0 || listen(lfd, 4096) < 0) { perror("listen"); return 1; }
    ep = epoll_create1(0);
    struct epoll_event lev = {.events = EPOLLIN, .data.ptr = NULL};
    epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &lev);
    struct epoll_event events[1024];
    for (;;) {
        int n = epoll_wait(ep, events, 1024, -1);
        for (int e = 0; e < n; e++) {
            conn_t *c = events[e].data.ptr;
            if (!c) {
                int fd;
                while ((fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK)) >= 0) {
                    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
                    conn_t *nc = calloc(1, sizeof *nc);
                    nc->fd = fd;
                    nc->open = 1;
                    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = nc};
                    epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
                }
                continue;
            }
            if (!c->open) continue;
            if (events[e].events & EPOLLOUT) {
                flush_pending(c);
                continue;
            }
            on_readable(c);
        }
        if (round_len) {
            for (size_t i = nsubs; i-- > 0;) deliver(subs[i], round_buf, round_len);
            round_len = 0;
        }
        for (size_t i = 0; i < ndead; i++) { free(dead[i]->in); free(dead[i]->out); free(dead[i]); }
        ndead = 0;
    }
}
