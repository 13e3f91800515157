// `unrolled-cli train --task charlm|classify`: the text tasks of `train` (cmd_train_text.cpp).
#pragma once
#include <string>
#include <vector>

namespace unrolled::cli {

bool is_text_task(const std::vector<std::string>& argv);  // a --task flag is present
int run_text_train(const std::vector<std::string>& argv);
std::string text_train_help();

}  // namespace unrolled::cli
