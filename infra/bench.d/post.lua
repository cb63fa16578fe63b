-- wrk: POST /v1/projects with a code unique per thread and request.
local counter = 0
local threads = 0

function setup(thread)
    threads = threads + 1
    thread:set("tid", threads)
end

function init(args)
    prefix = "W" .. tostring(tid) .. "-" .. tostring(os.time() % 100000) .. "-"
end

function request()
    counter = counter + 1
    local body = '{"code":"' .. prefix .. counter .. '","name":"Benchmark project","currency":"EUR","budgetAtCompletion":1000}'
    return wrk.format("POST", "/v1/projects", {["Content-Type"] = "application/json"}, body)
end
