// `unrolled-cli train --task seq2seq:reverse|sort|dates|add|FILE.tsv`: the sequence-to-sequence task of
// `train` (cmd_train_seq2seq.cpp).
#pragma once
#include <string>
#include <vector>

namespace unrolled::cli {

bool is_seq2seq_task(const std::vector<std::string>& argv);  // --task seq2seq or seq2seq:…
int run_seq2seq_train(const std::vector<std::string>& argv);
std::string seq2seq_train_help();

}  // namespace unrolled::cli
