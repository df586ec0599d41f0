//! Standard input, output and error (`io-std`).
