using BenchmarkDotNet.Running;

// dotnet run -c Release --project bench/EmailIntegration.Benchmarks -- --filter '*' --job short
BenchmarkSwitcher.FromAssembly(typeof(EmailIntegration.Benchmarks.ParseBenchmarks).Assembly).Run(args);
