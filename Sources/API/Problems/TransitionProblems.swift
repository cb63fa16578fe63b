import Persistence
import UseCases

// What the transitions area's errors tell a client.

extension GatePassed: ProblemStating {
    var problem: APIProblem {
        APIProblem(status: 409, type: "gate-passed", title: "Gate passed",
                   detail: "The \(stage.name) gate has passed (go); its criteria and decision are settled.")
    }
}

extension GateNotReady: ProblemStating {
    var problem: APIProblem { TransitionMapping.problem(refusal, stage: stage) }
}
