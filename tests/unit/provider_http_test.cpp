// The shared pieces of provider API calls: encodings, Basic auth, and how a failed exchange
// becomes the 400 an import answers.

#include <gtest/gtest.h>

#include "core/api_error.hpp"
#include "telephony/provider_http.hpp"

namespace sb::telephony::rest {
namespace {

std::string message_of(std::exception_ptr error) {
  try {
    std::rethrow_exception(error);
  } catch (const ApiError& e) {
    EXPECT_EQ(e.code(), ErrorCode::kBadRequest);
    return e.messages().front();
  }
  return {};  // not reached: rethrow_exception does not return
}

net::OutboundResponse response(int status, std::string body = "", std::string error = "") {
  net::OutboundResponse r;
  r.status = status;
  r.body = std::move(body);
  r.error = std::move(error);
  return r;
}

const ProviderName kTwilio{"Twilio", "check twilioAuthToken"};

TEST(ProviderHttp, FormEncodingPercentEncodesNamesAndValues) {
  EXPECT_EQ(form_encode({{"PhoneNumber", "+14155550100"}, {"filter[a]", "b c"}}),
            "PhoneNumber=%2B14155550100&filter%5Ba%5D=b%20c");
}

TEST(ProviderHttp, BasicAuthIsBase64OfUserColonPassword) {
  EXPECT_EQ(basic_auth("AC123", "token"), "Basic QUMxMjM6dG9rZW4=");
  EXPECT_EQ(basic_auth("a", ""), "Basic YTo=");
}

TEST(ProviderHttp, ASuccessIsNoFailure) {
  EXPECT_EQ(failure_of(response(200), kTwilio, "looking up +1"), nullptr);
  EXPECT_EQ(failure_of(response(201), kTwilio, "looking up +1"), nullptr);
}

TEST(ProviderHttp, NoAnswerSaysTheProviderCouldNotBeReached) {
  EXPECT_EQ(message_of(failure_of(response(0, "", "connection refused"), kTwilio, "looking up +1")),
            "Twilio could not be reached (connection refused) while looking up +1; nothing was "
            "stored");
}

TEST(ProviderHttp, RejectedCredentialsSayWhatToCheck) {
  for (int status : {401, 403})
    EXPECT_EQ(message_of(failure_of(response(status), kTwilio, "looking up +1")),
              "Twilio rejected the credentials (HTTP " + std::to_string(status) +
                  ") while looking up +1; nothing was stored: check twilioAuthToken");
}

TEST(ProviderHttp, OtherStatusesQuoteWhatTheProviderSaid) {
  EXPECT_EQ(message_of(failure_of(response(404, R"({"message":"not here","code":20404})"), kTwilio,
                                  "updating +1")),
            "Twilio answered HTTP 404 while updating +1; nothing was stored: not here");
  EXPECT_EQ(message_of(failure_of(response(422, R"({"errors":[{"detail":"bad connection"}]})"),
                                  kTwilio, "updating +1")),
            "Twilio answered HTTP 422 while updating +1; nothing was stored: bad connection");
  EXPECT_EQ(message_of(failure_of(response(500, "<html>"), kTwilio, "updating +1")),
            "Twilio answered HTTP 500 while updating +1; nothing was stored");
}

}  // namespace
}  // namespace sb::telephony::rest
