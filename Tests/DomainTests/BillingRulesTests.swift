import Domain
import Testing

/// Tiers, proration, rounding, periods and the token bucket (docs/DOMAIN.md, "Billing and usage");
/// each figure is worked out by hand in the comment beside it.
enum BillingRulesTests {
    static func date(_ text: String) -> CalendarDate { CalendarDate(text)! }

    /// 10,000 requests included; overage 50 per 1,000 for the first 90,000, then 30 per 1,000.
    static let requests = MetricTerms(included: 10_000, tiers: [
        PriceTier(upTo: 90_000, unitPrice: 50, per: 1_000), PriceTier(upTo: nil, unitPrice: 30, per: 1_000),
    ])

    static func plan(_ code: String, fee: Int64, currency: String = "EUR", metrics: [BillingMetric: MetricTerms] = [:]) -> PlanTerms {
        PlanTerms(code: code, name: code.prefix(1).uppercased() + code.dropFirst(), currency: currency, baseFee: fee, metrics: metrics,
                  rateLimit: RateLimitPolicy(requestsPerSecond: 10, burst: 20))
    }

    @Suite struct GraduatedTiers {
        @Test func eachTierPricesOnlyTheUnitsInsideIt() {
            // 250,000 used: 240,000 overage = 90,000 × 50/1,000 (4,500) + 150,000 × 30/1,000 (4,500).
            #expect(requests.charges(for: 250_000) == [
                TierCharge(tier: 0, quantity: 90_000, unitPrice: 50, per: 1_000, amount: 4_500),
                TierCharge(tier: 1, quantity: 150_000, unitPrice: 30, per: 1_000, amount: 4_500),
            ])
            // 100,000 used: 90,000 overage, all in the first tier.
            #expect(requests.charges(for: 100_000).map(\.amount) == [4_500])
            // Within the included quantity: nothing at all.
            #expect(requests.charges(for: 10_000).isEmpty && requests.charges(for: 0).isEmpty)
            #expect(requests.overage(of: 3) == 0)
        }

        @Test func amountsRoundHalfUpToAMinorUnit() {
            // 10 overage units × 50/1,000 = 0.5 → 1; 9 units = 0.45 → 0; 1 unit = 0.05 → 0.
            #expect(requests.charges(for: 10_010).map(\.amount) == [1])
            #expect(requests.charges(for: 10_009).map(\.amount) == [0])
            #expect(requests.charges(for: 10_001).map(\.quantity) == [1])
        }

        @Test func perUnitTiersAndABoundedLastTier() {
            // 10 members included, 800 per member beyond: 12 members = 2 × 800.
            let members = MetricTerms(included: 10, tiers: [PriceTier(upTo: nil, unitPrice: 800)])
            #expect(members.charges(for: 12).map(\.amount) == [1_600])
            // A bounded last tier prices its 5 units and no more: 8 used = 5 × 100.
            let capped = MetricTerms(included: 0, tiers: [PriceTier(upTo: 5, unitPrice: 100)])
            #expect(capped.charges(for: 8) == [TierCharge(tier: 0, quantity: 5, unitPrice: 100, per: 1, amount: 500)])
            // No tiers: overage is not charged.
            #expect(MetricTerms(included: 1).charges(for: 1_000).isEmpty)
        }
    }

    @Suite struct PlanValidation {
        @Test func soundTermsPass() throws {
            try plan("professional", fee: 9_900, metrics: [.apiRequests: requests,
                                                         .members: MetricTerms(included: 25, hardQuota: 50)]).check()
        }

        @Test func everyBrokenRuleIsReportedAtItsPointer() {
            var terms = plan("Pro!", fee: -1, currency: "eur", metrics: [
                .apiRequests: MetricTerms(included: -5, tiers: [
                    PriceTier(upTo: 100, unitPrice: 10), PriceTier(upTo: 50, unitPrice: -1), PriceTier(upTo: nil, unitPrice: 1, per: 0),
                    PriceTier(upTo: 500, unitPrice: 1),
                ]),
                .members: MetricTerms(included: 10, hardQuota: 5),
            ])
            terms.rateLimit = RateLimitPolicy(requestsPerSecond: 10, burst: 5)
            #expect(throws: ValidationFailure.self) { try terms.check() }
            let pointers = Set(Self.errors(terms).map(\.pointer))
            #expect(pointers == [
                "/code", "/currency", "/baseFee", "/rateLimit/burst",
                "/metrics/api_requests/included", "/metrics/api_requests/tiers/1/upTo",
                "/metrics/api_requests/tiers/1/unitPrice", "/metrics/api_requests/tiers/2/per",
                "/metrics/api_requests/tiers/3", "/metrics/members/hardQuota",
            ])
        }

        @Test func atMostTwentyTiers() {
            let tiers = (1...21).map { PriceTier(upTo: Int64($0) * 10, unitPrice: 1) }
            let terms = plan("many", fee: 0, metrics: [.members: MetricTerms(included: 0, tiers: tiers)])
            #expect(Self.errors(terms).map(\.pointer) == ["/metrics/members/tiers"])
            #expect(Self.errors(plan("some", fee: 0, metrics: [.members: MetricTerms(included: 0, tiers: Array(tiers.prefix(20)))])).isEmpty)
        }

        @Test func ratesOutsideTheirBoundsAreRefused() {
            var terms = plan("starter", fee: 0)
            terms.rateLimit = RateLimitPolicy(requestsPerSecond: 0, burst: 10)
            #expect(Self.errors(terms).map(\.pointer) == ["/rateLimit/requestsPerSecond"])
            terms.rateLimit = RateLimitPolicy(requestsPerSecond: PlanTerms.maximumRequestsPerSecond + 1, burst: 200_000)
            #expect(Self.errors(terms).map(\.pointer) == ["/rateLimit/requestsPerSecond", "/rateLimit/burst"])
        }

        @Test func planCodes() {
            for code in ["starter", "pro-2027", "gold_eu", "p2"] { #expect(PlanTerms.isValidCode(code), "\(code)") }
            for code in ["", "a", "Pro", "-pro", "pro plan", String(repeating: "a", count: 41)] {
                #expect(!PlanTerms.isValidCode(code), "\(code)")
            }
        }

        static func errors(_ terms: PlanTerms) -> [FieldError] {
            do { try terms.check(); return [] } catch { return error.errors }
        }
    }

    @Suite struct PeriodsAndProration {
        @Test func periodsRunFromTheAnchorDay() {
            let november = BillingPeriod(containing: date("2026-12-04"), anchorDay: 15)
            #expect(november.start == date("2026-11-15") && november.end == date("2026-12-15") && november.days == 30)
            #expect(november.description == "2026-11" && november.lastDay == date("2026-12-14"))
            #expect(november.next.start == date("2026-12-15"))
            // Before the anchor day, a January day belongs to December's period.
            #expect(BillingPeriod(containing: date("2026-01-10"), anchorDay: 15).start == date("2025-12-15"))
            // A leap February on anchor day 1: 29 days.
            #expect(BillingPeriod(starting: YearMonth("2028-02")!, anchorDay: 1).days == 29)
            #expect(!november.isClosed(today: date("2026-12-14")) && november.isClosed(today: date("2026-12-15")))
            #expect(november.contains(date("2026-11-15")) && !november.contains(date("2026-12-15")))
        }

        @Test func baseFeeProratedByDayRoundedHalfUp() {
            // 2,900 × 10/30 = 966.67 → 967; 9,900 × 20/30 = 6,600; 1,000 × 1/31 = 32.26 → 32; 1 × 15/30 = 0.5 → 1.
            #expect(Proration.share(of: 2_900, daysInForce: 10, periodDays: 30) == 967)
            #expect(Proration.share(of: 9_900, daysInForce: 20, periodDays: 30) == 6_600)
            #expect(Proration.share(of: 1_000, daysInForce: 1, periodDays: 31) == 32)
            #expect(Proration.share(of: 1, daysInForce: 15, periodDays: 30) == 1)
            #expect(Proration.share(of: 4_900, daysInForce: 30, periodDays: 30) == 4_900)
        }
    }

    @Suite struct Invoices {
        @Test func aMidPeriodChangeProratesBothPlansAndPricesUsageUnderTheClosingOne() throws {
            // November 2026 (30 days): starter (2,900) from the 1st to the 10th, professional (9,900) from
            // the 11th; 250,000 requests under professional's tiers: 967 + 6,600 + 4,500 + 4,500 = 16,567.
            let period = BillingPeriod(starting: YearMonth("2026-11")!, anchorDay: 1)
            let draft = try #require(try InvoiceCalculation.draft(period: period, segments: [
                SubscriptionSegment(planVersionID: "pro-1", terms: plan("professional", fee: 9_900, metrics: [.apiRequests: requests]),
                                    from: date("2026-11-11"), until: date("2026-12-01")),
                SubscriptionSegment(planVersionID: "starter-1", terms: plan("starter", fee: 2_900),
                                    from: date("2026-11-01"), until: date("2026-11-11")),
            ], usage: [.apiRequests: 250_000, .members: 3]))
            #expect(draft.lines.map(\.amount) == [967, 6_600, 4_500, 4_500])
            #expect(draft.lines.map(\.kind) == [.baseFee, .baseFee, .overage, .overage])
            #expect(draft.lines[0].description == "Starter base fee, 2026-11-01 to 2026-11-10 (10 of 30 days)")
            #expect(draft.lines[2].quantity == 90_000 && draft.lines[3].quantity == 150_000)
            #expect(draft.total == 16_567 && draft.currency == "EUR")
        }

        @Test func aWholePeriodIsOneBaseFeeLine() throws {
            let period = BillingPeriod(starting: YearMonth("2026-11")!, anchorDay: 1)
            let draft = try #require(try InvoiceCalculation.draft(period: period, segments: [
                SubscriptionSegment(planVersionID: "s", terms: plan("starter", fee: 2_900), from: period.start, until: period.end),
            ], usage: [:]))
            #expect(draft.lines.map(\.description) == ["Starter base fee, 2026-11"] && draft.total == 2_900)
            // No plan in force during the period: no invoice.
            #expect(try InvoiceCalculation.draft(period: period, segments: [], usage: [:]) == nil)
        }

        @Test func plansInTwoCurrenciesCannotShareAnInvoice() {
            let period = BillingPeriod(starting: YearMonth("2026-11")!, anchorDay: 1)
            #expect(throws: InvoiceCalculation.MixedCurrencies(currencies: ["EUR", "USD"])) {
                try InvoiceCalculation.draft(period: period, segments: [
                    SubscriptionSegment(planVersionID: "a", terms: plan("a1", fee: 1), from: period.start, until: date("2026-11-05")),
                    SubscriptionSegment(planVersionID: "b", terms: plan("b1", fee: 1, currency: "USD"),
                                        from: date("2026-11-05"), until: period.end),
                ], usage: [:])
            }
        }
    }

    @Suite struct TokenBuckets {
        @Test func aFullBucketAllowsItsBurstThenRefillsAtTheRate() {
            // Capacity 10, 5 per second.
            var bucket = TokenBucket(capacity: 10, refillPerSecond: 5, now: 100)
            let burst = (0..<10).map { _ in bucket.take(now: 100) }
            #expect(burst.allSatisfy(\.allowed) && burst.map(\.remaining) == Array((0...9).reversed()))
            // The first left 9 tokens: one missing, refilled in 0.2 s, reported as 1 whole second.
            #expect(burst[0].secondsUntilFull == 1 && burst[9].secondsUntilFull == 2)
            // Empty: refused, retry after 0.2 s → 1 whole second; the refusal takes nothing.
            let refused = bucket.take(now: 100)
            #expect(!refused.allowed && refused.retryAfter == 1 && refused.remaining == 0)
            // 0.2 s later one token is back; 1.2 s after that, 6 (5 per second, capped at 10 after 2 s).
            #expect(bucket.take(now: 100.2).allowed)
            #expect(bucket.take(now: 101.4).remaining == 5)
            #expect(bucket.take(now: 1_000).remaining == 9)
        }

        @Test func aSlowRateRetriesLater() {
            // 1 request per 4 s (0.25/s): empty, the next token is 4 s away.
            var bucket = TokenBucket(capacity: 1, refillPerSecond: 0.25, now: 0)
            #expect(bucket.take(now: 0).allowed)
            #expect(bucket.take(now: 1).retryAfter == 3)
        }

        @Test func aChargeMayOverdrawAndLaterRequestsWait() {
            var bucket = TokenBucket(capacity: 1, refillPerSecond: 1, now: 0)
            #expect(bucket.take(now: 0).allowed)
            #expect(bucket.charge(now: 0).remaining == 0 && bucket.tokens == -1)
            // One second refills to 0: still refused, one more second needed.
            let refused = bucket.take(now: 1)
            #expect(!refused.allowed && refused.retryAfter == 1)
            // A clock that steps back refills nothing.
            #expect(!bucket.take(now: 0.5).allowed)
        }

        @Test func policyFieldsAndProcessShares() {
            let policy = RateLimitPolicy(requestsPerSecond: 5, burst: 10)
            #expect(policy.policyField == "\"tenant\";q=10;w=2")
            let decision = TokenBucket.Decision(allowed: true, remaining: 7, secondsUntilFull: 1, retryAfter: 0)
            #expect(decision.field == "\"tenant\";r=7;t=1")
            // Two processes: each 2.5 per second with room for 5; one process: the whole policy.
            #expect(policy.share(among: 2) == (2.5, 5))
            #expect(policy.share(among: 1) == (5, 10))
            // A share never drops below one request of capacity.
            #expect(RateLimitPolicy(requestsPerSecond: 1, burst: 1).share(among: 4).capacity == 1)
        }
    }
}

extension BillingRulesTests {
    @Suite struct Projections {
        @Test func countersProjectAtTheirDailyRateAndGaugesAtTheirPeak() {
            // Day 10 of a 30-day period: 100,000 requests so far → 300,000 at the end; 10,000 included,
            // so 90,000 overage now (4,500) and 290,000 projected (90,000 × 50/1,000 + 200,000 × 30/1,000 = 10,500).
            let period = BillingPeriod(starting: YearMonth("2026-11")!, anchorDay: 1)
            let terms = plan("pro", fee: 9_900, metrics: [.apiRequests: requests, .members: MetricTerms(included: 10, hardQuota: 12)])
            let usage = UsageProjection.summary(period: period, today: date("2026-11-10"), terms: terms,
                                                used: [.apiRequests: 100_000, .members: 9])
            let requestsUsage = usage.first { $0.metric == .apiRequests }!
            #expect(requestsUsage.overage == 90_000 && requestsUsage.overageAmount == 4_500)
            #expect(requestsUsage.projected == 300_000 && requestsUsage.projectedAmount == 10_500)
            let members = usage.first { $0.metric == .members }!
            #expect(members.projected == 9 && members.hardQuota == 12 && members.overage == 0)
            #expect(usage.map(\.metric) == BillingMetric.allCases)
        }

        @Test func alertsAt80And100PercentOfTheIncludedQuantity() {
            let period = BillingPeriod(starting: YearMonth("2026-11")!, anchorDay: 1)
            let terms = plan("pro", fee: 0, metrics: [.apiRequests: requests, .members: MetricTerms(included: 10)])
            // 7,999 of 10,000 is under 80 %; 8,000 is 80 %; members 10 of 10 is both; api clients include nothing.
            let under = UsageProjection.summary(period: period, today: date("2026-11-10"), terms: terms, used: [.apiRequests: 7_999])
            #expect(UsageProjection.alerts(under).isEmpty)
            let crossed = UsageProjection.summary(period: period, today: date("2026-11-10"), terms: terms,
                                                  used: [.apiRequests: 8_000, .members: 10, .apiClients: 5])
            #expect(UsageProjection.alerts(crossed).map { "\($0.metric.rawValue) \($0.threshold)" }
                    == ["api_requests 80", "members 80", "members 100"])
        }
    }
}
