#include "coattail/aws/testing/moto_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "coattail/aws/testing/clients.h"

extern char** environ;

namespace coattail::aws::testing {
namespace {

int FreeLoopbackPort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
    ::close(fd);
    return -1;
  }
  socklen_t length = sizeof(address);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  ::close(fd);
  return ntohs(address.sin_port);
}

bool Accepts(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0;
  ::close(fd);
  return ok;
}

}  // namespace

bool EmulatorRequired() {
  const char* v = std::getenv("COATTAIL_REQUIRE_EMULATOR");
  return v != nullptr && std::string(v) == "1";
}

ClientOptions EmulatorClientOptions() {
  ClientOptions options;
  options.proxy = "";
  options.request_timeout = absl::Seconds(30);
  return options;
}

std::unique_ptr<MotoServer> MotoServer::Start(const std::string& log_path, std::string* why_not) {
  const int port = FreeLoopbackPort();
  if (port <= 0) {
    *why_not = "no free port";
    return nullptr;
  }
  const char* configured = std::getenv("COATTAIL_EMULATOR_PYTHON");
  std::string python = configured != nullptr && *configured != '\0' ? configured : "python3";
  const std::string port_text = std::to_string(port);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log_path.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  // Its own process group, so that stopping it stops the whole tree.
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETPGROUP);
  posix_spawnattr_setpgroup(&attributes, 0);
  std::vector<std::string> args = {python, "-m", "moto.server", "-H", "127.0.0.1", "-p", port_text};
  std::vector<char*> argv;
  argv.reserve(args.size() + 1);
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  const int rc = posix_spawnp(&pid, python.c_str(), &actions, &attributes, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  if (rc != 0) {
    *why_not = absl::StrCat("cannot run ", python);
    return nullptr;
  }
  auto server = std::unique_ptr<MotoServer>(new MotoServer(pid, port));
  const absl::Time deadline = absl::Now() + absl::Seconds(60);
  while (absl::Now() < deadline) {
    int status = 0;
    if (::waitpid(pid, &status, WNOHANG) == pid) {
      server->pid_ = 0;
      *why_not = absl::StrCat(python,
                              " -m moto.server exited (is moto installed? run "
                              "tests/emulator/emulator.sh to prepare its venv), see ",
                              log_path);
      return nullptr;
    }
    if (Accepts(port)) return server;
    absl::SleepFor(absl::Milliseconds(100));
  }
  *why_not = absl::StrCat("moto.server did not listen within 60 s, see ", log_path);
  return nullptr;
}

MotoServer::~MotoServer() {
  if (pid_ <= 0) return;
  ::kill(-pid_, SIGTERM);
  for (int i = 0; i < 50; ++i) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) return;
    absl::SleepFor(absl::Milliseconds(100));
  }
  ::kill(-pid_, SIGKILL);
  int status = 0;
  ::waitpid(pid_, &status, 0);
}

std::string MotoServer::endpoint() const { return absl::StrCat("http://127.0.0.1:", port_); }

std::vector<std::string> MotoServer::ChildEnv(const std::string& region) const {
  return {absl::StrCat("AWS_ACCESS_KEY_ID=", kTestAccessKeyId),
          absl::StrCat("AWS_SECRET_ACCESS_KEY=", kTestSecretAccessKey),
          absl::StrCat("AWS_REGION=", region), absl::StrCat("AWS_ENDPOINT_URL=", endpoint())};
}

}  // namespace coattail::aws::testing
