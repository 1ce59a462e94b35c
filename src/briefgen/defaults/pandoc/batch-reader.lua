-- briefgen's batch reader: many Markdown fields read by Pandoc's own Markdown reader in one run.
-- The input is a JSON array of strings; each is read on its own (so one field's unclosed fence
-- cannot swallow the next) and returned as a Div with the id "f<index>".
function Reader(input, opts)
  local fields = pandoc.json.decode(tostring(input))
  local format = fields[1]
  local blocks = {}
  for i = 2, #fields do
    local ok, doc = pcall(pandoc.read, fields[i], format, opts)
    if ok then
      blocks[#blocks + 1] = pandoc.Div(doc.blocks, pandoc.Attr("f" .. (i - 1)))
    else  -- one field Pandoc cannot read does not stop the others; briefgen reports it
      local message = pandoc.Para({pandoc.Str(tostring(doc))})
      blocks[#blocks + 1] = pandoc.Div({message}, pandoc.Attr("f" .. (i - 1), {"briefgen-unreadable"}))
    end
  end
  return pandoc.Pandoc(blocks)
end
