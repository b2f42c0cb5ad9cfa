#include "coattail/lambda/runtime.h"

#include <cstdio>
#include <cstdlib>
#include <deque>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "coattail/aws/testing/test_http_server.h"
#include "coattail/lambda/runtime_api.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace coattail::lambda {
namespace {

using ::coattail::aws::testing::CannedResponse;
using ::coattail::aws::testing::RecordedRequest;
using ::coattail::aws::testing::TestHttpServer;
using ::testing::HasSubstr;

struct QueuedInvocation {
  std::string request_id;
  std::string payload;
  std::string trace_id;
};

// A Runtime API: hands out the queued invocations, accepts responses and errors with 202.
class FakeRuntimeApi {
 public:
  explicit FakeRuntimeApi(std::deque<QueuedInvocation> queue)
      : queue_(std::move(queue)), server_([this](const RecordedRequest& r) { return Answer(r); }) {}

  std::string endpoint() const { return absl::StrCat("127.0.0.1:", server_.port()); }
  std::vector<RecordedRequest> posts() const {
    std::vector<RecordedRequest> out;
    for (const RecordedRequest& r : server_.requests()) {
      if (r.method == "POST") out.push_back(r);
    }
    return out;
  }
  int answer_status = 202;

 private:
  CannedResponse Answer(const RecordedRequest& r) {
    CannedResponse response;
    if (r.method == "GET" && r.target == "/2018-06-01/runtime/invocation/next") {
      if (queue_.empty()) return CannedResponse::Json(500, "{}");
      const QueuedInvocation inv = queue_.front();
      queue_.pop_front();
      response.status = 200;
      if (!inv.request_id.empty()) {
        response.headers.emplace_back("Lambda-Runtime-Aws-Request-Id", inv.request_id);
      }
      response.headers.emplace_back("Lambda-Runtime-Deadline-Ms", "1765163655000");
      response.headers.emplace_back("Lambda-Runtime-Invoked-Function-Arn",
                                    "arn:aws:lambda:us-west-2:123456789012:function:f");
      if (!inv.trace_id.empty()) {
        response.headers.emplace_back("Lambda-Runtime-Trace-Id", inv.trace_id);
      }
      response.body = inv.payload;
      return response;
    }
    response.status = answer_status;
    return response;
  }

  std::deque<QueuedInvocation> queue_;
  TestHttpServer server_;
};

std::unique_ptr<RuntimeApiClient> ClientFor(const FakeRuntimeApi& api) {
  absl::StatusOr<std::unique_ptr<RuntimeApiClient>> client =
      RuntimeApiClient::Create(api.endpoint());
  EXPECT_TRUE(client.ok()) << client.status();
  return std::move(*client);
}

LoopOptions Quiet(int64_t max_invocations) {
  static std::FILE* sink = std::fopen("/dev/null", "w");
  LoopOptions options;
  options.max_invocations = max_invocations;
  options.logger = Logger(sink);
  return options;
}

TEST(RuntimeApiTest, NextReadsTheInvocationHeadersAndPayload) {
  FakeRuntimeApi api({{"req-1", R"({"Records":[]})", "Root=1-5759e988-bd862e3fe1be46a994272793"}});
  std::unique_ptr<RuntimeApiClient> client = ClientFor(api);
  absl::StatusOr<Invocation> inv = client->Next();
  ASSERT_TRUE(inv.ok()) << inv.status();
  EXPECT_EQ(inv->request_id, "req-1");
  EXPECT_EQ(inv->deadline_ms, 1765163655000);
  EXPECT_EQ(inv->remaining_ms(1765163654000), 1000);
  EXPECT_EQ(inv->invoked_function_arn, "arn:aws:lambda:us-west-2:123456789012:function:f");
  EXPECT_EQ(inv->trace_id, "Root=1-5759e988-bd862e3fe1be46a994272793");
  EXPECT_EQ(inv->payload, R"({"Records":[]})");
}

TEST(RuntimeApiTest, AnInvocationWithoutARequestIdIsAnError) {
  FakeRuntimeApi api({{"", "{}", ""}});
  absl::StatusOr<Invocation> inv = ClientFor(api)->Next();
  EXPECT_EQ(inv.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(std::string(inv.status().message()), HasSubstr("Request-Id"));
}

TEST(RuntimeApiTest, AnEndpointThatIsNotHostAndPortIsRefused) {
  EXPECT_EQ(RuntimeApiClient::Create("http://127.0.0.1:9001/").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(RuntimeApiClient::Create("").status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(RunLoopTest, PostsEachResponseToItsInvocation) {
  FakeRuntimeApi api({{"a", "1", ""}, {"b", "2", ""}});
  std::unique_ptr<RuntimeApiClient> client = ClientFor(api);
  absl::StatusOr<int64_t> handled = RunLoop(
      *client,
      [](const Invocation& inv) -> absl::StatusOr<std::string> {
        return absl::StrCat("{\"echo\":", inv.payload, "}");
      },
      Quiet(2));
  ASSERT_TRUE(handled.ok()) << handled.status();
  EXPECT_EQ(*handled, 2);
  const std::vector<RecordedRequest> posts = api.posts();
  ASSERT_EQ(posts.size(), 2u);
  EXPECT_EQ(posts[0].target, "/2018-06-01/runtime/invocation/a/response");
  EXPECT_EQ(posts[0].body, R"({"echo":1})");
  EXPECT_EQ(posts[1].target, "/2018-06-01/runtime/invocation/b/response");
  EXPECT_EQ(posts[1].body, R"({"echo":2})");
  EXPECT_EQ(posts[0].Header("Expect"), "") << "the Runtime API does not answer 100 Continue";
}

TEST(RunLoopTest, AFailedOrThrowingHandlerIsReportedAndTheLoopGoesOn) {
  FakeRuntimeApi api({{"bad", "x", ""}, {"throws", "y", ""}, {"good", "z", ""}});
  std::unique_ptr<RuntimeApiClient> client = ClientFor(api);
  absl::StatusOr<int64_t> handled = RunLoop(
      *client,
      [](const Invocation& inv) -> absl::StatusOr<std::string> {
        if (inv.request_id == "bad") return absl::InvalidArgumentError("line 3: \"side\" missing");
        if (inv.request_id == "throws") throw std::runtime_error("boom");
        return std::string("{}");
      },
      Quiet(3));
  ASSERT_TRUE(handled.ok()) << handled.status();
  EXPECT_EQ(*handled, 3);
  const std::vector<RecordedRequest> posts = api.posts();
  ASSERT_EQ(posts.size(), 3u);
  EXPECT_EQ(posts[0].target, "/2018-06-01/runtime/invocation/bad/error");
  EXPECT_EQ(posts[0].Header("Lambda-Runtime-Function-Error-Type"), "INVALID_ARGUMENT");
  EXPECT_EQ(posts[0].body,
            R"({"errorMessage":"line 3: \"side\" missing","errorType":"INVALID_ARGUMENT",)"
            R"("stackTrace":[]})");
  EXPECT_EQ(posts[1].target, "/2018-06-01/runtime/invocation/throws/error");
  EXPECT_EQ(posts[1].Header("Lambda-Runtime-Function-Error-Type"), "Runtime.UnhandledException");
  EXPECT_THAT(posts[1].body, HasSubstr("boom"));
  EXPECT_EQ(posts[2].target, "/2018-06-01/runtime/invocation/good/response");
}

TEST(RunLoopTest, TheTraceHeaderIsPassedOnToTheHandlersEnvironment) {
  FakeRuntimeApi api({{"traced", "{}", "Root=1-abc;Parent=def;Sampled=1"}, {"untraced", "{}", ""}});
  std::unique_ptr<RuntimeApiClient> client = ClientFor(api);
  std::vector<std::string> seen;
  ASSERT_TRUE(RunLoop(
                  *client,
                  [&seen](const Invocation&) -> absl::StatusOr<std::string> {
                    const char* v = std::getenv("_X_AMZN_TRACE_ID");
                    seen.emplace_back(v == nullptr ? "<unset>" : v);
                    return std::string("{}");
                  },
                  Quiet(2))
                  .ok());
  EXPECT_EQ(seen, (std::vector<std::string>{"Root=1-abc;Parent=def;Sampled=1", "<unset>"}));
}

TEST(RunLoopTest, ARefusedResponseIsLoggedAndTheLoopGoesOn) {
  FakeRuntimeApi api({{"a", "1", ""}, {"b", "2", ""}});
  api.answer_status = 413;  // payload too large
  std::unique_ptr<RuntimeApiClient> client = ClientFor(api);
  absl::StatusOr<int64_t> handled = RunLoop(
      *client, [](const Invocation&) -> absl::StatusOr<std::string> { return std::string("{}"); },
      Quiet(2));
  ASSERT_TRUE(handled.ok()) << handled.status();
  EXPECT_EQ(*handled, 2);
}

TEST(MainTest, AFailedInitIsReportedToTheRuntimeApi) {
  FakeRuntimeApi api({});
  const int code = Main(
      []() -> absl::StatusOr<Handler> {
        return absl::FailedPreconditionError("SCORES_TABLE is not set");
      },
      aws::Env::FromMap({{"AWS_LAMBDA_RUNTIME_API", api.endpoint()}}), Quiet(1));
  EXPECT_EQ(code, 1);
  const std::vector<RecordedRequest> posts = api.posts();
  ASSERT_EQ(posts.size(), 1u);
  EXPECT_EQ(posts[0].target, "/2018-06-01/runtime/init/error");
  EXPECT_EQ(posts[0].Header("Lambda-Runtime-Function-Error-Type"), "Runtime.InitError");
  EXPECT_THAT(posts[0].body, HasSubstr("SCORES_TABLE is not set"));
}

TEST(MainTest, RunsTheLoopAfterInitAndExitsZero) {
  FakeRuntimeApi api({{"only", "{}", ""}});
  const int code = Main(
      []() -> absl::StatusOr<Handler> {
        return Handler([](const Invocation&) -> absl::StatusOr<std::string> {
          return std::string("{\"ok\":true}");
        });
      },
      aws::Env::FromMap({{"AWS_LAMBDA_RUNTIME_API", api.endpoint()}}), Quiet(1));
  EXPECT_EQ(code, 0);
  ASSERT_EQ(api.posts().size(), 1u);
  EXPECT_EQ(api.posts()[0].body, "{\"ok\":true}");
}

TEST(MainTest, OutsideLambdaItSaysSoAndFails) {
  EXPECT_EQ(
      Main([]() -> absl::StatusOr<Handler> { return Handler(); }, aws::Env::FromMap({}), Quiet(1)),
      1);
}

TEST(LoggerTest, WritesOneJsonObjectPerLine) {
  std::FILE* f = std::tmpfile();
  ASSERT_NE(f, nullptr);
  Logger logger(f);
  logger.Info("req-9", "scored 100 \"records\"\n");
  logger.Error("", "bad");
  std::rewind(f);
  char buf[512];
  std::string text;
  size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof(buf), f)) > 0) text.append(buf, n);
  std::fclose(f);
  const size_t newline = text.find('\n');
  ASSERT_NE(newline, std::string::npos);
  const std::string first = text.substr(0, newline);
  EXPECT_THAT(first,
              ::testing::MatchesRegex(
                  R"(\{"timestamp":"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]{12}Z","level":"INFO",)"
                  R"("requestId":"req-9","message":"scored 100 \\"records\\"\\n"\})"));
  EXPECT_THAT(text.substr(newline + 1), HasSubstr(R"("level":"ERROR","message":"bad"})"));
}

}  // namespace
}  // namespace coattail::lambda
