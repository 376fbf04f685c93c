-- One placeholder vocabulary (issue 9): message templates write the same Chinese
-- names as document templates ({姓名}, {编号}, {期限}…). Templates stored
-- with the earlier English names are rewritten; the mapping is one to one.
-- Kept in lock-step with ../sqlite/0014_placeholder_names.sql.
UPDATE message_templates SET
    subject = REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(subject, '{name}', '{姓名}'), '{number}', '{编号}'), '{unit}', '{单位}'), '{handler}', '{承办人}'), '{handler_phone}', '{承办人电话}'), '{date}', '{日期}'), '{deadline}', '{期限}'), '{stage}', '{办理进展}'), '{note}', '{说明}'), '{amount}', '{金额}'),
    body = REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(body, '{name}', '{姓名}'), '{number}', '{编号}'), '{unit}', '{单位}'), '{handler}', '{承办人}'), '{handler_phone}', '{承办人电话}'), '{date}', '{日期}'), '{deadline}', '{期限}'), '{stage}', '{办理进展}'), '{note}', '{说明}'), '{amount}', '{金额}');
