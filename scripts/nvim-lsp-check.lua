-- Neovim end-to-end check of `asynclint server` (run by nvim-lsp-check.sh).
--
-- Attaches the server to the current buffer, waits for its diagnostics, prints them
-- as `file:line:col: CODE [severity] message`, asks for the code actions on the first
-- AL201 finding, and exits 0 only if every code in ASYNCLINT_EXPECT arrived, each at
-- the byte column of the text named in ASYNCLINT_EXPECT_AT (checks the UTF-16
-- position conversion on a line with non-ASCII text), the fix was offered, and an
-- edit of the buffer that removes the AL201 finding updates the diagnostics.
-- Works with Neovim 0.7 (`vim.lsp.start_client`) and later.

local binary = assert(os.getenv("ASYNCLINT_BIN"), "set ASYNCLINT_BIN")
local expected = vim.split(assert(os.getenv("ASYNCLINT_EXPECT"), "set ASYNCLINT_EXPECT"), ",")
local expected_at = os.getenv("ASYNCLINT_EXPECT_AT") or ""
local timeout_ms = tonumber(os.getenv("ASYNCLINT_TIMEOUT_MS") or "15000")

local function out(line)
  io.stdout:write(line .. "\n")
end

local function fail(message)
  io.stderr:write("nvim-lsp-check: " .. message .. "\n")
  vim.cmd("cquit 1")
end

local root = vim.fn.getcwd()
local buffer = vim.api.nvim_get_current_buf()
local client_id = vim.lsp.start_client({
  name = "asynclint",
  cmd = { binary, "server" },
  root_dir = root,
  workspace_folders = { { uri = vim.uri_from_fname(root), name = "project" } },
})
if not client_id then
  fail("could not start " .. binary .. " server")
end
vim.lsp.buf_attach_client(buffer, client_id)

local function code_of(diagnostic)
  return diagnostic.code or (diagnostic.user_data and diagnostic.user_data.lsp and diagnostic.user_data.lsp.code)
end

local function has_all_expected()
  local seen = {}
  for _, diagnostic in ipairs(vim.diagnostic.get(buffer)) do
    seen[code_of(diagnostic) or ""] = true
  end
  for _, code in ipairs(expected) do
    if not seen[code] then
      return false
    end
  end
  return true
end

local arrived = vim.wait(timeout_ms, has_all_expected, 50)

local severities = { "error", "warning", "information", "hint" }
local name = vim.fn.fnamemodify(vim.api.nvim_buf_get_name(buffer), ":t")
local diagnostics = vim.diagnostic.get(buffer)
table.sort(diagnostics, function(a, b)
  return a.lnum < b.lnum or (a.lnum == b.lnum and a.col < b.col)
end)
for _, diagnostic in ipairs(diagnostics) do
  local message = vim.split(diagnostic.message, "\n")[1]
  out(string.format("%s:%d:%d: %s [%s] %s", name, diagnostic.lnum + 1, diagnostic.col + 1,
    code_of(diagnostic) or "-", severities[diagnostic.severity] or "?", message))
end

if not arrived then
  fail("expected diagnostics " .. table.concat(expected, ", ") .. " did not arrive within " .. timeout_ms .. " ms")
  return
end

-- `CODE=text`: the diagnostic CODE starts (in bytes, as Neovim counts) where `text`
-- starts on its line.
for pair in string.gmatch(expected_at, "[^;]+") do
  local code, text = pair:match("^([^=]+)=(.*)$")
  local found = false
  for _, diagnostic in ipairs(diagnostics) do
    if code_of(diagnostic) == code then
      local line = vim.api.nvim_buf_get_lines(buffer, diagnostic.lnum, diagnostic.lnum + 1, false)[1]
      local column = line:find(text, 1, true)
      if column and column - 1 == diagnostic.col then
        found = true
      end
    end
  end
  if not found then
    fail(code .. " does not start at `" .. text .. "` on its line")
    return
  end
end

-- The quick fixes on the first AL201 finding.
local titles = {}
for _, diagnostic in ipairs(diagnostics) do
  if code_of(diagnostic) == "AL201" then
    local params = {
      textDocument = vim.lsp.util.make_text_document_params(buffer),
      range = {
        start = { line = diagnostic.lnum, character = 0 },
        ["end"] = { line = diagnostic.lnum + 1, character = 0 },
      },
      context = { diagnostics = {} },
    }
    local responses = vim.lsp.buf_request_sync(buffer, "textDocument/codeAction", params, timeout_ms) or {}
    for _, response in pairs(responses) do
      for _, action in ipairs(response.result or {}) do
        table.insert(titles, action.title)
        out("code action: " .. action.title)
      end
    end
    break
  end
end
if not vim.tbl_contains(titles, "Ignore AL201 on this line") then
  fail("the code actions on AL201 did not include `Ignore AL201 on this line`")
  return
end

-- Edit the buffer: replace the first AL201 finding's text with `pass`. Neovim sends
-- an incremental change (UTF-16 positions on a line with non-ASCII text); the
-- finding must go and the others stay.
local sleep
for _, diagnostic in ipairs(diagnostics) do
  if code_of(diagnostic) == "AL201" then
    sleep = diagnostic
    break
  end
end
vim.api.nvim_buf_set_text(buffer, sleep.lnum, sleep.col, sleep.end_lnum, sleep.end_col, { "pass" })
local updated = vim.wait(timeout_ms, function()
  local codes = {}
  for _, diagnostic in ipairs(vim.diagnostic.get(buffer)) do
    codes[code_of(diagnostic) or ""] = true
  end
  return codes["AL101"] and not codes["AL201"]
end, 50)
out("after the edit: " .. vim.api.nvim_buf_get_lines(buffer, sleep.lnum, sleep.lnum + 1, false)[1])
for _, diagnostic in ipairs(vim.diagnostic.get(buffer)) do
  out(string.format("after the edit: %s:%d:%d: %s", name, diagnostic.lnum + 1, diagnostic.col + 1, code_of(diagnostic) or "-"))
end
if not updated then
  fail("after the edit, AL201 did not go away (or AL101 went too)")
  return
end

vim.lsp.stop_client(client_id)
vim.wait(5000, function()
  return vim.lsp.get_client_by_id(client_id) == nil
end, 50)
vim.cmd("qall!")
