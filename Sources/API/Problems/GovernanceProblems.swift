import Domain
import Persistence
import UseCases

// What the governance area's errors tell a client.

extension CreditedBreachCorrections: ProblemStating {
    var problem: APIProblem {
        APIProblem(status: 409, type: "breach-credited", title: "Breach already credited",
                   detail: "A value would withdraw a breach whose credit has been given to the client; nothing was written.",
                   errors: errors)
    }
}

extension CreditedBreachCorrection: ProblemStating {
    var problem: APIProblem {
        APIProblem(status: 409, type: "breach-credited", title: "Breach already credited",
                   detail: "The change would withdraw a breach whose credit has been given to the client.")
    }
}
