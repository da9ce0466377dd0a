using BenchmarkDotNet.Running;
using HotIL.Benchmarks;

// Steady-state cost of HotIL's forwarders: every benchmark runs in four builds (Release and Debug,
// plain and woven), plain Release being the baseline. See bench/README.md.
var (runTemplate, rest) = BenchmarkConfig.ExtractRunTemplate(args);
var summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(rest, BenchmarkConfig.Create(runTemplate)).ToArray();
return OverheadReport.Write(summaries, Console.Out);
