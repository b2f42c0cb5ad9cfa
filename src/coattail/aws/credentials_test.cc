#include "coattail/aws/credentials.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "coattail/aws/env.h"
#include "coattail/aws/shared_config.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace coattail::aws {
namespace {

using ::testing::HasSubstr;

// A fresh HOME with an ~/.aws directory per test.
class CredentialsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const ::testing::TestInfo* info = ::testing::UnitTest::GetInstance()->current_test_info();
    home_ = absl::StrCat(::testing::TempDir(), "/aws_credentials_", info->name(), "_", ::getpid());
    ::mkdir(home_.c_str(), 0700);
    ::mkdir((home_ + "/.aws").c_str(), 0700);
    std::remove((home_ + "/.aws/credentials").c_str());
    std::remove((home_ + "/.aws/config").c_str());
  }

  void Write(const std::string& relative, const std::string& text) {
    std::FILE* f = std::fopen((home_ + "/" + relative).c_str(), "wb");
    ASSERT_NE(f, nullptr);
    std::fwrite(text.data(), 1, text.size(), f);
    std::fclose(f);
  }

  Env MakeEnv(absl::flat_hash_map<std::string, std::string> vars) {
    vars.emplace("HOME", home_);
    return Env::FromMap(std::move(vars));
  }

  std::string home_;
};

TEST_F(CredentialsTest, EnvironmentWinsAndCarriesTheSessionToken) {
  Write(".aws/credentials", "[default]\naws_access_key_id = FILEKEY\naws_secret_access_key = s\n");
  absl::StatusOr<Credentials> c =
      ResolveCredentials(MakeEnv({{"AWS_ACCESS_KEY_ID", "ENVKEY"},
                                  {"AWS_SECRET_ACCESS_KEY", "envsecret"},
                                  {"AWS_SESSION_TOKEN", "tok"}}));
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->access_key_id, "ENVKEY");
  EXPECT_EQ(c->secret_access_key, "envsecret");
  EXPECT_EQ(c->session_token, "tok");
  EXPECT_EQ(c->source, "environment");
}

TEST_F(CredentialsTest, HalfAKeyPairInTheEnvironmentIsAnError) {
  absl::StatusOr<Credentials> c = ResolveCredentials(MakeEnv({{"AWS_ACCESS_KEY_ID", "ENVKEY"}}));
  ASSERT_FALSE(c.ok());
  EXPECT_THAT(c.status().message(), HasSubstr("AWS_SECRET_ACCESS_KEY"));
}

TEST_F(CredentialsTest, EmptyEnvironmentVariablesCountAsUnset) {
  Write(".aws/credentials", "[default]\naws_access_key_id=FILEKEY\naws_secret_access_key=s\n");
  absl::StatusOr<Credentials> c =
      ResolveCredentials(MakeEnv({{"AWS_ACCESS_KEY_ID", ""}, {"AWS_SECRET_ACCESS_KEY", ""}}));
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->access_key_id, "FILEKEY");
}

TEST_F(CredentialsTest, SharedCredentialsFileDefaultProfile) {
  Write(".aws/credentials",
        "# comment\r\n; another\r\n[other]\r\naws_access_key_id = OTHER\r\n"
        "aws_secret_access_key = o\r\n\r\n[default]\r\n  aws_access_key_id  =  AKIDDEFAULT  \r\n"
        "AWS_Secret_Access_Key=with=equals/and+plus\r\naws_session_token = t0k\r\n");
  absl::StatusOr<Credentials> c = ResolveCredentials(MakeEnv({}));
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->access_key_id, "AKIDDEFAULT");
  // Keys are case-insensitive; the value keeps everything after the first '='.
  EXPECT_EQ(c->secret_access_key, "with=equals/and+plus");
  EXPECT_EQ(c->session_token, "t0k");
  EXPECT_EQ(c->source, home_ + "/.aws/credentials [default]");
}

TEST_F(CredentialsTest, ProfileFromAwsProfileInBothFiles) {
  // The credentials file names sections without "profile "; the config file with it.
  Write(".aws/credentials", "[default]\naws_access_key_id=D\naws_secret_access_key=d\n");
  Write(".aws/config",
        "[default]\nregion = us-east-1\n[profile prod]\naws_access_key_id = PROD\n"
        "aws_secret_access_key = p\nregion = eu-west-1\n");
  absl::StatusOr<Credentials> c = ResolveCredentials(MakeEnv({{"AWS_PROFILE", "prod"}}));
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->access_key_id, "PROD");
  EXPECT_EQ(c->source, home_ + "/.aws/config [profile prod]");
}

TEST_F(CredentialsTest, CredentialsFileWinsOverConfigFile) {
  Write(".aws/credentials", "[prod]\naws_access_key_id=FROMCREDS\naws_secret_access_key=c\n");
  Write(".aws/config", "[profile prod]\naws_access_key_id=FROMCONFIG\naws_secret_access_key=k\n");
  absl::StatusOr<Credentials> c = ResolveCredentials(MakeEnv({{"AWS_PROFILE", "prod"}}));
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->access_key_id, "FROMCREDS");
}

TEST_F(CredentialsTest, ConfigSectionWithoutProfilePrefixIsNotAProfile) {
  // In the config file "[prod]" is not profile prod (only "[default]" goes without the prefix).
  Write(".aws/config", "[prod]\naws_access_key_id=X\naws_secret_access_key=y\n");
  absl::StatusOr<Credentials> c = ResolveCredentials(MakeEnv({{"AWS_PROFILE", "prod"}}));
  EXPECT_EQ(c.status().code(), absl::StatusCode::kNotFound);
}

TEST_F(CredentialsTest, OverriddenFilePathsWithTilde) {
  Write("creds.ini", "[ci]\naws_access_key_id = CI\naws_secret_access_key = c\n");
  absl::StatusOr<Credentials> c = ResolveCredentials(
      MakeEnv({{"AWS_SHARED_CREDENTIALS_FILE", "~/creds.ini"}, {"AWS_PROFILE", "ci"}}));
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->access_key_id, "CI");
}

TEST_F(CredentialsTest, NothingFoundNamesEverythingLookedAt) {
  Write(".aws/config", "[profile other]\nregion=us-east-1\n");
  absl::StatusOr<Credentials> c = ResolveCredentials(MakeEnv({{"AWS_PROFILE", "prod"}}));
  ASSERT_EQ(c.status().code(), absl::StatusCode::kNotFound);
  const std::string message(c.status().message());
  EXPECT_THAT(message, HasSubstr("profile \"prod\""));
  EXPECT_THAT(message, HasSubstr("AWS_ACCESS_KEY_ID"));
  EXPECT_THAT(message, HasSubstr(home_ + "/.aws/credentials (missing)"));
  EXPECT_THAT(message, HasSubstr(home_ + "/.aws/config (no [profile prod] section)"));
}

TEST_F(CredentialsTest, NoHomeNoFiles) {
  absl::StatusOr<Credentials> c = ResolveCredentials(Env::FromMap({}));
  ASSERT_EQ(c.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(c.status().message(), HasSubstr("HOME is unset"));
}

TEST_F(CredentialsTest, HalfAKeyPairInAFileIsAnError) {
  Write(".aws/credentials", "[default]\naws_access_key_id = ONLYID\n");
  Write(".aws/config", "[default]\naws_access_key_id=C\naws_secret_access_key=c\n");
  absl::StatusOr<Credentials> c = ResolveCredentials(MakeEnv({}));
  ASSERT_EQ(c.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(c.status().message(), HasSubstr("aws_access_key_id but not aws_secret_access_key"));
}

TEST_F(CredentialsTest, RoleProfilesAreReportedAsUnsupported) {
  Write(".aws/config", "[profile assume]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = d\n");
  absl::StatusOr<Credentials> c = ResolveCredentials(MakeEnv({{"AWS_PROFILE", "assume"}}));
  ASSERT_EQ(c.status().code(), absl::StatusCode::kUnimplemented);
  EXPECT_THAT(c.status().message(), HasSubstr("role_arn"));
}

TEST_F(CredentialsTest, MalformedFileIsAnErrorWithLineNumber) {
  Write(".aws/credentials", "[default]\naws_access_key_id = A\nthis line is wrong\n");
  absl::StatusOr<Credentials> c = ResolveCredentials(MakeEnv({}));
  ASSERT_EQ(c.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(c.status().message(), HasSubstr("credentials:3:"));
}

TEST(ParseIniTest, ContinuationLinesAndSectionNames) {
  absl::StatusOr<IniFile> ini = ParseIni(
      "[ profile   dev ]\nregion = us-west-2\ns3 =\n  max_concurrent_requests = 20\n"
      "  addressing_style = path\nkey: colon value\n[profile dev]\nregion = us-east-2\n",
      "config");
  ASSERT_TRUE(ini.ok()) << ini.status();
  ASSERT_EQ(ini->sections.size(), 1u);  // the repeated section merged into the first
  const IniSection* dev = ini->Find("profile dev");
  ASSERT_NE(dev, nullptr);
  EXPECT_EQ(dev->at("region"), "us-east-2");  // later keys win
  EXPECT_EQ(dev->at("s3"), "\nmax_concurrent_requests = 20\naddressing_style = path");
  EXPECT_EQ(dev->at("key"), "colon value");
}

TEST(ParseIniTest, Errors) {
  EXPECT_FALSE(ParseIni("key = value\n", "f").ok());  // outside a section
  EXPECT_FALSE(ParseIni("[unclosed\n", "f").ok());
  EXPECT_FALSE(ParseIni("[s]\n= value\n", "f").ok());  // empty key
  EXPECT_TRUE(ParseIni("", "f").ok());
}

}  // namespace
}  // namespace coattail::aws
