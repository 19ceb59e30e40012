Console.WriteLine("Peeker.Benchmarks: no scenarios yet.");
