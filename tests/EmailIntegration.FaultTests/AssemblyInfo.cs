// One fault at a time: the tests kill and restart shared emulator processes of this project.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
