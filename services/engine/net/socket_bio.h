// SocketBio: an OpenSSL BIO over a non-blocking socket that never raises SIGPIPE.
#pragma once

typedef struct bio_st BIO;

namespace rms::engine::net {

// A BIO reading with recv(2) and writing with send(2, MSG_NOSIGNAL) on `fd` (not owned, never
// closed): EAGAIN becomes a retry (OpenSSL's WANT_READ / WANT_WRITE), a closed peer an end of
// file. OpenSSL's own socket BIO uses write(2), which kills a process that does not ignore
// SIGPIPE when the peer has gone. nullptr only when OpenSSL cannot allocate.
BIO* NewSocketBio(int fd);

}  // namespace rms::engine::net
