// JSON renderings of engine outputs, shared by the NDJSON sinks and the CLI.
#ifndef COATTAIL_PIPELINE_JSON_FORMAT_H_
#define COATTAIL_PIPELINE_JSON_FORMAT_H_

#include <string>

#include "coattail/engine/engine.h"

namespace coattail::pipeline {

// One alert as a JSON object (no trailing newline).
void AppendAlertJson(std::string& out, const engine::Alert& alert);
// The record written when the trade behind an alert is retracted by a reorganisation.
void AppendAlertRetractionJson(std::string& out, std::string_view alert_id, int64_t line);
void AppendScoreJson(std::string& out, const engine::WalletScoreRow& row);

}  // namespace coattail::pipeline

#endif  // COATTAIL_PIPELINE_JSON_FORMAT_H_
