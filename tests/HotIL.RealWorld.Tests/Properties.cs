// Timings are part of what these tests report: run them one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
