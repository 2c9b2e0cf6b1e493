//! The project's integration tests, one binary with a module per concern.

mod bad_input;
mod browser;
mod cli;
mod honesty;
mod interrupts;
mod layers;
mod numerics;
mod output;
mod parity;
mod project;
mod properties;
mod review;
mod scale;
mod serve;
mod site;
mod support;
mod validator;
mod workflows;
