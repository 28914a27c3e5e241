import ArgumentParser

/// The subcommands of `workbench`. Adding a command is adding its file and one line here.
enum WorkbenchCommands {
    static let all: [ParsableCommand.Type] = [
        VerifyCommand.self,
        GreedyCommand.self,
        PruneCommand.self,
        LotteryCommand.self,
        BilevelCommand.self,
        SparseTrainCommand.self,
        SweepCommand.self,
        DataCommand.self,
    ]
}
