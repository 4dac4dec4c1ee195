// SocketBio: a BIO_METHOD whose read and write are recv(2) and send(2, MSG_NOSIGNAL).
#include "services/engine/net/socket_bio.h"

#include <openssl/bio.h>
#include <sys/socket.h>

#include <cerrno>

namespace rms::engine::net {
namespace {

int FdOf(BIO* bio) { return static_cast<int>(reinterpret_cast<intptr_t>(BIO_get_data(bio))); }

bool IsRetry(int error) { return error == EAGAIN || error == EWOULDBLOCK || error == EINTR; }

int Write(BIO* bio, const char* data, int size) {
  BIO_clear_retry_flags(bio);
  const ssize_t n = ::send(FdOf(bio), data, static_cast<size_t>(size), MSG_NOSIGNAL);
  if (n < 0 && IsRetry(errno)) BIO_set_retry_write(bio);
  return static_cast<int>(n);
}

int Read(BIO* bio, char* out, int size) {
  BIO_clear_retry_flags(bio);
  const ssize_t n = ::recv(FdOf(bio), out, static_cast<size_t>(size), 0);
  if (n < 0 && IsRetry(errno)) BIO_set_retry_read(bio);
  if (n == 0) BIO_set_flags(bio, BIO_FLAGS_IN_EOF);
  return static_cast<int>(n);
}

long Control(BIO* bio, int command, long, void*) {
  switch (command) {
    case BIO_CTRL_FLUSH:
      return 1;
    case BIO_CTRL_EOF:
      return BIO_test_flags(bio, BIO_FLAGS_IN_EOF) != 0 ? 1 : 0;
    default:
      return 0;
  }
}

int Create(BIO* bio) {
  BIO_set_init(bio, 1);
  return 1;
}

const BIO_METHOD* Method() {
  // Built once, never changed afterwards (function-local static: thread-safe initialisation).
  static const BIO_METHOD* const kMethod = [] {
    BIO_METHOD* method = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "rms-socket");
    if (method == nullptr) return static_cast<BIO_METHOD*>(nullptr);
    BIO_meth_set_write(method, Write);
    BIO_meth_set_read(method, Read);
    BIO_meth_set_ctrl(method, Control);
    BIO_meth_set_create(method, Create);
    return method;
  }();
  return kMethod;
}

}  // namespace

BIO* NewSocketBio(int fd) {
  const BIO_METHOD* method = Method();
  if (method == nullptr) return nullptr;
  BIO* bio = BIO_new(method);
  if (bio != nullptr) BIO_set_data(bio, reinterpret_cast<void*>(static_cast<intptr_t>(fd)));
  return bio;
}

}  // namespace rms::engine::net
