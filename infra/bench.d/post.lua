-- wrk: POST /v1/projects with a code unique per thread and request.
local counter = 0
local threads = 0

function setup(thread)
    threads = threads + 1
    thread:set("tid", threads)
end

function init(args)
    prefix = "W" .. tostring(tid) .. "-" .. tostring(os.time() % 100000) .. "-"
    -- wrk.format uses wrk.headers (which hold -H Authorization) only when given no headers table.
    wrk.headers["Content-Type"] = "application/json"
end

function request()
    counter = counter + 1
    local body = '{"code":"' .. prefix .. counter .. '","name":"Benchmark project","currency":"EUR","budgetAtCompletion":1000}'
    return wrk.format("POST", "/v1/projects", nil, body)
end
